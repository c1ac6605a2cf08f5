// `spickle run`'s launch options through the real binary: --inspect / --inspect-brk /
// --inspect-port (the debugger's flags reach node), --watch (a change to an imported file runs
// the program again), --no-cache (nothing read from or written to the compile cache), --tsconfig.

import { execFileSync, spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const here = dirname(fileURLToPath(import.meta.url));
const packageDir = dirname(here);
const repoRoot = dirname(dirname(packageDir));
const bin = join(packageDir, "dist", "bin.js");

let scratch: string;
let folders = 0;

beforeAll(() => {
  execFileSync(process.execPath, [join(repoRoot, "node_modules", "typescript", "bin", "tsc"), "-b", packageDir], { cwd: repoRoot, stdio: "inherit" });
  scratch = mkdtempSync(join(tmpdir(), "spickle-launch-"));
});

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** A project folder with `files`, and its own compile cache. */
function project(files: Record<string, string>): string {
  const dir = join(scratch, `p${folders++}`);
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

function environment(dir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, SPICKLE_CACHE_DIR: join(dir, ".cache"), ...extra };
  delete env.NODE_PATH;
  delete env.SPICKLE_KEY;
  delete env.NODE_OPTIONS;
  return env;
}

function spickle(dir: string, args: string[], extra: Record<string, string> = {}) {
  return spawnSync(process.execPath, [bin, ...args], { cwd: dir, env: environment(dir, extra), encoding: "utf8", timeout: 120_000 });
}

/** A running `spickle`, with what it printed so far and a wait for a line matching a pattern. */
function start(dir: string, args: string[]) {
  const child: ChildProcess = spawn(process.execPath, [bin, ...args], { cwd: dir, env: environment(dir), stdio: ["ignore", "pipe", "pipe"] });
  const out = { stdout: "", stderr: "" };
  const waiters: (() => void)[] = [];
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  for (const name of ["stdout", "stderr"] as const) {
    child[name]!.setEncoding("utf8");
    child[name]!.on("data", (text: string) => {
      out[name] += text;
      for (const w of waiters.splice(0)) w();
    });
  }
  /** Resolves with the match once `stream` has printed something matching `pattern`; rejects if
   * the process ends first. */
  const waitFor = (name: "stdout" | "stderr", pattern: RegExp): Promise<RegExpMatchArray> =>
    new Promise((resolve, reject) => {
      const check = () => {
        const m = pattern.exec(out[name]);
        if (m) resolve(m);
        else waiters.push(check);
      };
      check();
      void exited.then(() => {
        const m = pattern.exec(out[name]);
        if (m) resolve(m);
        else reject(new Error(`exited before ${name} matched ${pattern}: ${JSON.stringify(out)}`));
      });
    });
  return { child, out, exited, waitFor };
}

const greet = { "greet.ts": 'export default function greet(...names: string[]): void {\n  console.log(`hello ${names.join(", ")}`);\n}\n' };

describe("spickle run --inspect / --inspect-brk", () => {
  it("--inspect starts the program with the debugger listening where --inspect-port says", () => {
    const dir = project(greet);
    const r = spickle(dir, ["run", "--inspect", "--inspect-port", "127.0.0.1:0", "greet.ts", "you"]);
    expect(r.stderr).toMatch(/^Debugger listening on ws:\/\/127\.0\.0\.1:\d+\//m);
    expect(r.stdout).toBe("hello you\n");
    expect(r.status).toBe(0);
  });

  it("--inspect-brk waits for a debugger before the program runs", async () => {
    const dir = project(greet);
    const run = start(dir, ["run", "--inspect-brk", "--inspect-port=127.0.0.1:0", "greet.ts", "debugger"]);
    try {
      const [, url] = await run.waitFor("stderr", /Debugger listening on (ws:\/\/\S+)/);
      expect(run.out.stdout).toBe("");
      // A debugger: attach, let the program run, detach.
      const client = `const ws = new WebSocket(process.argv[1]);
ws.onopen = () => ws.send(JSON.stringify({ id: 1, method: "Runtime.runIfWaitingForDebugger" }));
ws.onmessage = (e) => { if (JSON.parse(e.data).id === 1) ws.close(); };`;
      const flags = typeof (globalThis as { WebSocket?: unknown }).WebSocket === "function" ? [] : ["--experimental-websocket"];
      execFileSync(process.execPath, [...flags, "-e", client, url!], { timeout: 60_000 });
      expect(await run.exited).toBe(0);
      expect(run.out.stdout).toBe("hello debugger\n");
    } finally {
      run.child.kill();
    }
  });

  it("--inspect-port without --inspect or --inspect-brk is a usage error naming them", () => {
    const r = spickle(project(greet), ["run", "--inspect-port", "9229", "greet.ts"]);
    expect(r.stderr).toBe("spickle: --inspect-port needs --inspect or --inspect-brk\n");
    expect(r.status).toBe(2);
  });
});

describe("spickle run --watch", () => {
  it("runs the program again when a file it imported changes", async () => {
    const dir = project({
      "main.ts": 'import { value } from "./value.js";\nconsole.log(`value ${value}`);\n',
      "value.ts": 'export const value: string = "one";\n',
    });
    const run = start(dir, ["run", "--watch", "main.ts"]);
    try {
      await run.waitFor("stdout", /^value one$/m);
      writeFileSync(join(dir, "value.ts"), 'export const value: string = "two";\n');
      await run.waitFor("stdout", /^value two$/m);
      expect(run.out.stdout.match(/^value \w+$/gm)).toEqual(["value one", "value two"]);
    } finally {
      // SIGTERM goes on to the watching node, which ends the program.
      run.child.kill("SIGTERM");
      await run.exited;
    }
  });
});

describe("spickle run --no-cache", () => {
  it("compiles every module afresh and writes nothing to the compile cache", () => {
    const dir = project(greet);
    const cold = spickle(dir, ["run", "--no-cache", "greet.ts", "a"], { SPICKLE_DEBUG_LOADER: "1" });
    expect(cold.stdout).toBe("hello a\n");
    expect(cold.stderr).toContain(`spickle: compile ${join(dir, "greet.ts")}`);
    expect(existsSync(join(dir, ".cache")) ? readdirSync(join(dir, ".cache")) : []).toEqual([]);

    const warm = spickle(dir, ["run", "greet.ts", "b"]);
    expect(warm.stdout).toBe("hello b\n");
    expect(readdirSync(join(dir, ".cache")).length).toBeGreaterThan(0);

    const again = spickle(dir, ["run", "--no-cache", "greet.ts", "c"], { SPICKLE_DEBUG_LOADER: "1" });
    expect(again.stdout).toBe("hello c\n");
    expect(again.stderr).toContain(`spickle: compile ${join(dir, "greet.ts")}`);
    expect(again.stderr).not.toContain("cache hit");
    expect(again.stderr).not.toContain("linked start");
  });
});

describe("spickle run --tsconfig", () => {
  it("runs with an existing tsconfig and names the option when the file is missing", () => {
    const dir = project({ ...greet, "tsconfig.json": '{ "compilerOptions": { "strict": true } }\n' });
    const ok = spickle(dir, ["run", "--tsconfig", "tsconfig.json", "greet.ts", "t"]);
    expect(ok.stdout).toBe("hello t\n");
    expect(ok.status).toBe(0);
    const missing = spickle(dir, ["run", "--tsconfig", "nope.json", "greet.ts"]);
    expect(missing.stderr).toBe("spickle: --tsconfig nope.json: no such file\n");
    expect(missing.status).toBe(2);
  });

  it("run --help lists the launch options", () => {
    const r = spickle(project(greet), ["run", "--help"]);
    for (const option of ["--inspect", "--inspect-brk", "--inspect-port <[host:]port>", "--watch", "--no-cache", "--tsconfig <path>"]) expect(r.stdout).toContain(option);
    expect(r.stdout).not.toContain("--watched");
  });
});
