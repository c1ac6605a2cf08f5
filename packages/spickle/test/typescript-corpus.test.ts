// The TypeScript language corpus (fixtures/typescript/): every program runs as tsc + node would
// run it — each file through the `typescript` package's transpileModule with the program's
// tsconfig, then plain `node` — and under `spickle run`; the outputs must be equal.
//
// A program is a file (`name.ts`, `.tsx`, `.cts`: its first line may be `// tsconfig: {…}`,
// compiler options) or a folder (`main.ts` or `main.tsx` plus its modules and its own
// tsconfig.json). A program that exports `function* work()` is also driven step by step by a
// tasklet (drive.ts): uninterrupted, then checkpointed after every yield — and each checkpoint is
// resumed by `spickle resume` in a fresh process in another folder after the project is deleted,
// which must print exactly the rest of the uninterrupted output (but for the programs marked
// `// not resumed: <why>`, each a known limit). `// tsc: program` takes tsc's whole-program emit
// as the reference instead. Children run in torture mode when SPICKLE_TORTURE=1.

import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, extname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { createPathsMatcher, getTsconfig } from "get-tsconfig";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { bin } from "./cli-support.js";

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const corpus = join(here, "fixtures", "typescript");
const pickleDist = join(here, "..", "..", "pickle", "dist", "index.js");
const root = mkdtempSync(join(tmpdir(), "spickle-ts-corpus-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const tortureSetup = join(root, "torture.mjs");
writeFileSync(tortureSetup, `const p = await import(${JSON.stringify(pickleDist)}); if (p.tortureRequested()) p.setTortureMode(true);\n`);

function env(extra: Record<string, string> = {}): Record<string, string> {
  const e: Record<string, string | undefined> = { ...process.env, SPICKLE_CACHE_DIR: join(root, "cache"), ...extra };
  delete e.NODE_PATH;
  delete e.SPICKLE_KEY;
  delete e.SPICKLE_TSCONFIG;
  return Object.fromEntries(Object.entries(e).filter(([, v]) => v !== undefined)) as Record<string, string>;
}

async function node(args: string[], cwd: string, extra?: Record<string, string>): Promise<string> {
  try {
    const { stdout } = await run(process.execPath, args, { cwd, env: env(extra), timeout: 60_000, maxBuffer: 1 << 24 });
    return stdout;
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    return `${e.stdout ?? ""}@@failed ${(e.stderr ?? e.message).split("\n").slice(0, 6).join("\n")}`;
  }
}

const spickle = (args: string[], cwd: string, extra?: Record<string, string>) => node(["--import", tortureSetup, bin, ...args], cwd, extra);

const DRIVE = `import { work } from "./MAIN";
export default function* drive(cp: { checkpoint(path?: string): Generator<unknown, { resumed: boolean }> }) {
  const gen = work();
  let every = process.env.CORPUS_EVERY === "1";
  for (let k = 0; ; k++) {
    const step = gen.next();
    if (step.done) {
      console.log("@@return " + JSON.stringify(step.value));
      return;
    }
    console.log("@@yield " + JSON.stringify(step.value));
    if (every) {
      const point = yield* cp.checkpoint(process.env.CORPUS_DIR + "/" + k + ".ckpt");
      if (point.resumed) every = false;
    }
  }
}
`;

/** Drives drive.js's default export natively, with a checkpoint support that never stops. */
const NATIVE_DRIVER = `const { default: drive } = await import(process.argv[2]);
const cp = { *checkpoint() { return { resumed: false }; } };
const g = drive(cp);
while (!g.next().done);
`;

interface Program {
  name: string;
  project: string;
  main: string;
  generator: boolean;
  /** `// tsc: program`: tsc's whole-program emit is the reference (what transpileModule cannot
   * know, such as the values of a `declare const enum`). */
  wholeProgram: boolean;
  /** `// not resumed: <why>`: checkpointed after every yield, but its resumes are not compared. */
  notResumed: string | undefined;
}

/** Copies a corpus entry into a project folder of its own. */
function setUp(entry: string): Program {
  const source = join(corpus, entry);
  const name = entry.replace(/\.[cm]?tsx?$/, "");
  const project = join(root, name, "project");
  mkdirSync(project, { recursive: true });
  writeFileSync(join(project, "package.json"), '{ "type": "module" }\n');
  let main: string;
  if (statSync(source).isDirectory()) {
    cpSync(source, project, { recursive: true });
    main = existsSync(join(project, "main.tsx")) ? "main.tsx" : "main.ts";
  } else {
    const text = readFileSync(source, "utf8");
    main = `main${extname(entry)}`;
    writeFileSync(join(project, main), text);
    const header = /^\/\/ tsconfig: (\{.*\})$/m.exec(text);
    const options = { target: "ES2022", strict: true, ...(header ? (JSON.parse(header[1]!) as object) : {}) };
    writeFileSync(join(project, "tsconfig.json"), JSON.stringify({ compilerOptions: options }));
  }
  const mainText = readFileSync(join(project, main), "utf8");
  const generator = /export function\* work\b/.test(mainText);
  const wholeProgram = /^\/\/ tsc: program$/m.test(mainText);
  const notResumed = /^\/\/ not resumed: (.*)$/m.exec(mainText)?.[1];
  if (generator) writeFileSync(join(project, "drive.ts"), DRIVE.replace("MAIN", main.replace(/\.tsx?$/, ".js").replace(/\.cts$/, ".cjs")));
  return { name, project, main, generator, wholeProgram, notResumed };
}

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && /\.[cm]?tsx?$/.test(entry.name)) out.push(join(entry.parentPath, entry.name));
  }
  return out;
}

/** tsc + node: every file transpiled alone with the project's compiler options (as
 * `isolatedModules` builds do), `paths` specifiers rewritten to the files they map to. */
function transpileNative(program: Program): string {
  const out = join(dirname(program.project), "native");
  // Everything else (JSON, packages under node_modules) as it is.
  cpSync(program.project, out, { recursive: true, filter: (f) => !/\.[cm]?tsx?$/.test(f) });
  const config = getTsconfig(program.project)!;
  const matcher = createPathsMatcher(config);
  const options = ts.convertCompilerOptionsFromJson(config.config.compilerOptions ?? {}, program.project).options;
  if (program.wholeProgram) {
    const files = tsFiles(program.project);
    const whole = ts.createProgram(files, { ...options, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, outDir: out, rootDir: program.project, noEmitOnError: false, skipLibCheck: true });
    whole.emit();
  }
  for (const file of program.wholeProgram ? [] : tsFiles(program.project)) {
    const rel = relative(program.project, file);
    const ext = extname(file);
    const jsExt = { ".ts": ".js", ".tsx": ".js", ".mts": ".mjs", ".cts": ".cjs" }[ext]!;
    let { outputText } = ts.transpileModule(readFileSync(file, "utf8"), {
      fileName: ext === ".ts" ? file.replace(/\.ts$/, ".mts") : file,
      compilerOptions: { ...options, module: ext === ".tsx" ? ts.ModuleKind.ESNext : ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext },
    });
    if (matcher !== null) {
      outputText = outputText.replace(/(from |require\(|import\()"([^".][^"]*)"/g, (whole, lead: string, specifier: string) => {
        const target = matcher(specifier).map((c) => [c, `${c}.ts`, `${c}.tsx`, c.replace(/\.js$/, ".ts")].find((f) => existsSync(f))).find((f) => f !== undefined);
        if (target === undefined) return whole;
        let path = relative(dirname(file), target).replace(/\.tsx?$/, ".js");
        if (!path.startsWith(".")) path = `./${path}`;
        return `${lead}"${path}"`;
      });
    }
    const target = join(out, rel.slice(0, -ext.length) + jsExt);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, outputText);
  }
  writeFileSync(join(out, "package.json"), '{ "type": "module" }\n');
  if (program.generator) writeFileSync(join(out, "driver.mjs"), NATIVE_DRIVER);
  return out;
}

const entries = readdirSync(corpus).filter((e) => !e.startsWith(".")).sort();
const prepared = new Map<string, { program: Program; native: string }>();

/** Every program set up and transpiled, then compiled by spickle in one process that imports
 * them all (Babel loads once; each run below starts from the compile cache, as a second start
 * does). What they print there is not looked at. */
beforeAll(async () => {
  for (const entry of entries) {
    const program = setUp(entry);
    prepared.set(entry, { program, native: transpileNative(program) });
  }
  const register = join(here, "..", "dist", "register.js");
  const warm = join(root, "warm.mjs");
  const modules = [...prepared.values()].flatMap(({ program }) => [join(program.project, program.main), ...(program.generator ? [join(program.project, "drive.ts")] : [])]);
  writeFileSync(warm, `for (const m of ${JSON.stringify(modules)}) { try { await import(m); } catch {} }\nprocess.exit(0);\n`);
  await node(["--import", register, warm], root);
}, 600_000);

describe("TypeScript programs run as under tsc + node", () => {
  test("the corpus has at least 100 programs", () => {
    expect(entries.length).toBeGreaterThanOrEqual(100);
  });

  test.concurrent.each(entries)("%s", async (entry) => {
    const { program, native } = prepared.get(entry)!;
    const jsMain = program.main.replace(/\.tsx?$/, ".js").replace(/\.cts$/, ".cjs");
    const expected = program.generator
      ? await node([join(native, "driver.mjs"), join(native, "drive.js")], native)
      : await node([join(native, jsMain)], native);
    expect(expected).not.toContain("@@failed");
    expect(expected.length).toBeGreaterThan(0);
    const script = program.generator ? "drive.ts" : program.main;
    expect(await spickle(["run", script], program.project)).toBe(expected);
    if (!program.generator) return;

    const checkpoints = join(dirname(program.project), "checkpoints");
    mkdirSync(checkpoints);
    expect(await spickle(["run", script], program.project, { CORPUS_EVERY: "1", CORPUS_DIR: checkpoints })).toBe(expected);
    rmSync(program.project, { recursive: true, force: true });
    if (program.notResumed !== undefined) return;
    const elsewhere = join(dirname(program.project), "elsewhere");
    mkdirSync(elsewhere);
    const lines = expected.split("\n");
    const yields = lines.flatMap((line, i) => (line.startsWith("@@yield ") ? [i] : []));
    expect(existsSync(join(checkpoints, `${yields.length}.ckpt`))).toBe(false);
    for (let k = 0; k < yields.length; k++) {
      const rest = lines.slice(yields[k]! + 1).join("\n");
      expect(await spickle(["resume", join(checkpoints, `${k}.ckpt`)], elsewhere), `resumed after yield ${k}`).toBe(rest);
    }
  }, 240_000);
});
