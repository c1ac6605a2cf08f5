// Loads the async corpus (test/async-corpus/*.ts) natively and compiled.

import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { pathToFileURL } from "node:url";
import type { AsyncCase } from "./async-case.js";
import { testDir, writeAndImport } from "./compiled.js";

export const asyncCorpusDir = join(testDir, "async-corpus");

export interface AsyncCorpusModule {
  cases: AsyncCase[];
  log: unknown[];
  [name: string]: unknown;
}

export interface LoadedAsyncFile {
  name: string;
  native: AsyncCorpusModule;
  compiled?: AsyncCorpusModule;
  loadError?: unknown;
}

export function asyncCorpusNames(): string[] {
  return readdirSync(asyncCorpusDir).filter((f) => f.endsWith(".ts")).map((f) => basename(f, ".ts")).sort();
}

export function asyncCorpusPath(name: string): string {
  return join(asyncCorpusDir, `${name}.ts`);
}

export async function loadAsyncCompiled(name: string): Promise<AsyncCorpusModule> {
  const { compile } = await import("@spickle/transform");
  const filename = asyncCorpusPath(name);
  const { code, map } = compile(readFileSync(filename, "utf8"), { filename, moduleId: `test/async-corpus/${name}.ts` });
  return (await writeAndImport("async", name, code, map, filename)) as unknown as AsyncCorpusModule;
}

export async function loadAsyncCorpus(): Promise<LoadedAsyncFile[]> {
  const files: LoadedAsyncFile[] = [];
  for (const name of asyncCorpusNames()) {
    const native = (await import(/* @vite-ignore */ pathToFileURL(asyncCorpusPath(name)).href)) as AsyncCorpusModule;
    try {
      files.push({ name, native, compiled: await loadAsyncCompiled(name) });
    } catch (loadError) {
      files.push({ name, native, loadError });
    }
  }
  return files;
}
