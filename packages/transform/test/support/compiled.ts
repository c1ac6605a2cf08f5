// Loads corpus modules three ways: natively (vite strips the types, generators stay native),
// compiled by spickle's `compile`, and (as a reference) compiled by stock Babel regenerator.
// Compiled code is written to test/.gen/ (gitignored) with its source map, then imported, so
// vitest resolves `@spickle/runtime` from there to the runtime instance the tests use.

import { createRequire } from "node:module";
import { mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { GenCase } from "./case.js";

export const testDir = join(dirname(fileURLToPath(import.meta.url)), "..");
export const corpusDir = join(testDir, "corpus");
export const genDir = join(testDir, ".gen");

export interface CorpusModule {
  cases: GenCase[];
  [name: string]: unknown;
}

/** Names (without `.ts`) of the corpus files, sorted. */
export function corpusNames(): string[] {
  return readdirSync(corpusDir)
    .filter((f) => f.endsWith(".ts"))
    .map((f) => basename(f, ".ts"))
    .sort();
}

export function corpusPath(name: string): string {
  return join(corpusDir, `${basename(name, ".ts")}.ts`);
}

/** The corpus module as vite loads it: types stripped, generators native. */
export async function loadNative(name: string): Promise<CorpusModule> {
  return (await import(/* @vite-ignore */ pathToFileURL(corpusPath(name)).href)) as CorpusModule;
}

interface SourceMapLike {
  sources?: string[];
  sourcesContent?: (string | null)[];
  file?: string;
  [key: string]: unknown;
}

function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path); // concurrent test files write the same output: never import a half-written file
}

/** Writes compiled code (and its map, linked by a sourceMappingURL comment) under .gen/<sub>/ and imports it. */
export async function writeAndImport(sub: string, name: string, code: string, map: unknown, source = corpusPath(name)): Promise<CorpusModule> {
  const dir = sub ? join(genDir, sub) : genDir;
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${basename(name, ".ts")}.mjs`);
  let text = code;
  if (map && typeof map === "object") {
    const m = { ...(map as SourceMapLike) };
    m.file = basename(file);
    m.sources = [relative(dir, source).split("\\").join("/")];
    if (!m.sourcesContent) m.sourcesContent = [readFileSync(source, "utf8")];
    writeAtomic(`${file}.map`, JSON.stringify(m));
    text = `${code.replace(/\n\/\/# sourceMappingURL=.*\s*$/, "")}\n//# sourceMappingURL=${basename(file)}.map\n`;
  }
  writeAtomic(file, text);
  return (await import(/* @vite-ignore */ pathToFileURL(file).href)) as CorpusModule;
}

/** The module id spickle's compile is given for a corpus file. */
export function corpusModuleId(name: string): string {
  return `test/corpus/${basename(name, ".ts")}.ts`;
}

/** Compiles a corpus file with spickle's `compile` and imports the result. */
export async function loadCompiled(name: string): Promise<CorpusModule> {
  const { compile } = (await import("@spickle/transform")) as unknown as {
    compile?: (source: string, options: { filename: string; moduleId: string }) => { code: string; map?: unknown };
  };
  if (typeof compile !== "function") throw new Error("@spickle/transform does not export compile yet");
  const filename = corpusPath(name);
  const { code, map } = compile(readFileSync(filename, "utf8"), { filename, moduleId: corpusModuleId(name) });
  return writeAndImport("", name, code, map);
}

/** Compiles a corpus file with stock Babel regenerator (inline helpers) and imports the result. */
export async function loadRegenerator(name: string): Promise<CorpusModule> {
  const babel = createRequire(import.meta.url)("@babel/core") as {
    transformSync(code: string, options: object): { code?: string | null; map?: unknown } | null;
  };
  const transform = babel.transformSync;
  const filename = corpusPath(name);
  const result = transform(readFileSync(filename, "utf8"), {
    filename,
    babelrc: false,
    configFile: false,
    sourceMaps: true,
    presets: [["@babel/preset-typescript", { onlyRemoveTypeImports: false }]],
    plugins: ["@babel/plugin-transform-regenerator"],
  })!;
  return writeAndImport("regenerator", name, result.code!, result.map);
}

export type Compiler = "spickle" | "regenerator";

export function loadWith(compiler: Compiler, name: string): Promise<CorpusModule> {
  return compiler === "regenerator" ? loadRegenerator(name) : loadCompiled(name);
}

/** A corpus file loaded natively and compiled (or the error compiling it raised). */
export interface LoadedFile {
  name: string;
  native: CorpusModule;
  compiled?: CorpusModule;
  loadError?: unknown;
}

/** Every corpus file, loaded both ways. */
export async function loadCorpus(compiler: Compiler = "spickle"): Promise<LoadedFile[]> {
  const files: LoadedFile[] = [];
  for (const name of corpusNames()) {
    const native = await loadNative(name);
    try {
      files.push({ name, native, compiled: await loadWith(compiler, name) });
    } catch (loadError) {
      files.push({ name, native, loadError });
    }
  }
  return files;
}

/** The compiled twin of a native case (by name). */
export function compiledCase(file: LoadedFile, name: string): GenCase {
  if (file.loadError) throw file.loadError;
  const found = file.compiled!.cases.find((c) => c.name === name);
  if (!found) throw new Error(`compiled ${file.name} has no case ${JSON.stringify(name)}`);
  return found;
}
