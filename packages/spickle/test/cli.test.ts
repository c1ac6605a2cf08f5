// The `spickle` command line, driven as a user drives it: the built binary (dist/bin.js) in child
// processes, on copies of the fixtures in a scratch folder outside the repository.

import { execFileSync, spawn, spawnSync } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dumps, readSnapshotHeader } from "@spickle/pickle";

const here = dirname(fileURLToPath(import.meta.url));
const packageDir = dirname(here);
const repoRoot = dirname(dirname(packageDir));
const bin = join(packageDir, "dist", "bin.js");

let scratch: string;
let project: string;

beforeAll(() => {
  if (!existsSync(bin)) {
    execFileSync(process.execPath, [join(repoRoot, "node_modules", "typescript", "bin", "tsc"), "-b", packageDir], {
      cwd: repoRoot,
      stdio: "inherit",
    });
  }
  scratch = mkdtempSync(join(tmpdir(), "spickle-cli-"));
  project = join(scratch, "project");
  cpSync(join(here, "fixtures", "cli"), project, { recursive: true });
});

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
}

function spickle(args: string[], options: { cwd?: string; env?: Record<string, string | undefined> } = {}): Result {
  const env: Record<string, string | undefined> = { ...process.env, SPICKLE_CACHE_DIR: join(scratch, "cache"), ...options.env };
  if (options.env === undefined || !("SPICKLE_KEY" in options.env)) delete env.SPICKLE_KEY;
  // As a user runs it: not with the NODE_PATH that pnpm/vitest set (it makes `spickle` resolvable).
  delete env.NODE_PATH;
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: options.cwd ?? scratch, env, encoding: "utf8", timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

let folders = 0;
function freshFolder(): string {
  const dir = join(scratch, `work${folders++}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

const lines = (text: string) => text.split("\n").filter((l) => l !== "");

/** Runs counter.ts for 3 steps, stopping after the first checkpoint; returns the checkpoint path. */
function firstCheckpoint(env?: Record<string, string | undefined>): string {
  const dir = freshFolder();
  const r = spickle(["run", "--checkpoint-file", "counter.ckpt", join(project, "counter.ts"), "3", "--stop-after=1"], { cwd: dir, env });
  expect(r.stderr).toBe("");
  expect(r.status).toBe(3);
  expect(lines(r.stdout)).toEqual(["step 1 total 1"]);
  return join(dir, "counter.ckpt");
}

describe("spickle run", () => {
  it("runs a checkpointable program to the end (exit 0), passing the arguments on", () => {
    const dir = freshFolder();
    const r = spickle(["run", "-c", "c.ckpt", join(project, "counter.ts"), "3", "--unused-flag"], { cwd: dir });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(lines(r.stdout)).toEqual(["step 1 total 1", "step 2 total 5", "step 3 total 14", "done 14"]);
    expect(existsSync(join(dir, "c.ckpt"))).toBe(true);
  });

  it("calls a default-exported async function with the arguments", () => {
    const r = spickle(["run", join(project, "greet.ts"), "ada", "grace"]);
    expect(r).toEqual({ status: 0, stdout: "hello ada, grace\n", stderr: "" });
  });

  it("runs a module with no default export", () => {
    const r = spickle(["run", join(project, "plain.ts")]);
    expect(r).toEqual({ status: 0, stdout: "plain module ran\n", stderr: "" });
  });

  it("invalid code exits 1 with `SyntaxError: reason (file:line:col)` and the code frame", () => {
    const r = spickle(["run", join(project, "invalid.ts")], { cwd: freshFolder() });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`SyntaxError: Unexpected token (${join(project, "invalid.ts")}:2:9)\n\n  1 | const a: number = 1;\n> 2 | let x = ;\n    |         ^\n  3 | console.log(a, x);\n  4 |\n`);
  });

  it("a failing program exits 1 with its error and the .ts line, without spickle's frames", () => {
    const r = spickle(["run", "-c", "f.ckpt", join(project, "fails.ts")], { cwd: freshFolder() });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    const err = lines(r.stderr);
    expect(err[0]).toBe("Error: value too large: 2");
    expect(r.stderr).toMatch(/fails\.ts:7:\d+/);
    expect(r.stderr).toMatch(/fails\.ts:16:\d+/);
    expect(r.stderr).not.toMatch(/dist[\\/]cli|packages[\\/](spickle|runtime|pickle)[\\/](dist|src)|node:internal/);
    for (const line of err.slice(1)) expect(line).toMatch(/^\s+at /);
  });

  it("a failing async function exits 1 with its error and the .ts line", () => {
    const r = spickle(["run", join(project, "throws-async.ts")]);
    expect(r.status).toBe(1);
    expect(lines(r.stderr)[0]).toBe("TypeError: broken on purpose");
    expect(r.stderr).toMatch(/throws-async\.ts:4:\d+/);
  });

  it("bad usage exits 2", () => {
    const missing = spickle(["run", join(scratch, "nowhere.ts")]);
    expect(missing.status).toBe(2);
    expect(lines(missing.stderr)).toEqual([`spickle: ${join(scratch, "nowhere.ts")}: no such file`]);
    expect(spickle(["run"]).status).toBe(2);
    expect(spickle(["run", "--no-such-option", "x.ts"]).status).toBe(2);
    expect(spickle(["frobnicate"]).status).toBe(2);
    expect(spickle([]).status).toBe(2);
  });
});

describe("checkpoint options", () => {
  it("--keep n keeps the last n checkpoints, newest in the file itself", () => {
    const dir = freshFolder();
    const r = spickle(["run", "-c", "c.ckpt", "--keep", "3", join(project, "counter.ts"), "4"], { cwd: dir });
    expect(r.status).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(["c.ckpt", "c.ckpt.1", "c.ckpt.2"]);
    const older = spickle(["resume", "c.ckpt.2"], { cwd: dir });
    expect(lines(older.stdout)).toEqual(["resumed with []", "step 3 total 14", "step 4 total 30", "done 30"]);
    // The newest is the checkpoint of a program that finished: refused, unless forced.
    expect(spickle(["resume", "c.ckpt"], { cwd: dir }).status).toBe(2);
    const newest = spickle(["resume", "--force", "c.ckpt"], { cwd: dir });
    expect(lines(newest.stdout)).toEqual(["resumed with []", "done 30"]);
  });

  it("--checkpoint-every checkpoints the whole program from outside; it resumes from there", () => {
    const dir = freshFolder();
    const r = spickle(["run", "-c", "t.ckpt", "--checkpoint-every", "150ms", join(project, "ticker.ts"), "100"], { cwd: dir });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(lines(r.stdout)).toEqual(["start", "done 5050"]);
    expect(readdirSync(dir)).toEqual(["t.ckpt"]);
    const info = JSON.parse(spickle(["inspect", "--json", "t.ckpt"], { cwd: dir }).stdout);
    expect(info).toMatchObject({ kind: "checkpoint", tasklets: 1, pausedIn: null });
    const resumed = spickle(["resume", "--force", "t.ckpt"], { cwd: dir });
    expect(resumed.stderr).toBe("");
    expect(resumed.status).toBe(0);
    expect(lines(resumed.stdout)).toEqual(["done 5050"]);
  });

  it("SIGTERM writes a checkpoint at the next switch point and exits 75; resume continues exactly", async () => {
    const dir = freshFolder();
    const env: Record<string, string | undefined> = { ...process.env, SPICKLE_CACHE_DIR: join(scratch, "cache") };
    delete env.NODE_PATH;
    delete env.SPICKLE_KEY;
    const child = spawn(process.execPath, [bin, "run", "-c", "s.ckpt", join(project, "ticker.ts"), "400", "5"], { cwd: dir, env });
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    await new Promise<void>((resolve) =>
      child.stdout.on("data", (chunk) => {
        stdout += chunk;
        if (stdout.includes("start")) resolve();
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    child.kill("SIGTERM");
    expect(await exited).toBe(75);
    expect(stdout).toBe("start\n");
    expect(lines(stderr)).toEqual([
      `spickle: SIGTERM: checkpoint written to ${join(dir, "s.ckpt")}`,
      `  continue with: spickle resume ${join(dir, "s.ckpt")}`,
    ]);
    const resumed = spickle(["resume", "s.ckpt"], { cwd: dir });
    expect(resumed.stderr).toBe("");
    expect(resumed.status).toBe(0);
    expect(lines(resumed.stdout)).toEqual([`done ${(400 * 401) / 2}`]);
  });

  it("--serializable-modules chooses the modules carried by value", () => {
    const dir = freshFolder();
    const script = join(project, "counter.ts");
    const byRef = spickle(["run", "-c", "r.ckpt", "--serializable-modules", "lib/**,other.ts", script, "2", "--stop-after=1"], { cwd: dir });
    expect(byRef.status).toBe(3);
    expect(JSON.parse(spickle(["inspect", "--json", "r.ckpt"], { cwd: dir }).stdout).modules).toEqual([
      { id: "counter.ts", hash: expect.stringMatching(/^[0-9a-f]{64}$/), byValue: false, codeSize: null },
    ]);
    expect(lines(spickle(["resume", "r.ckpt"], { cwd: dir }).stdout)).toEqual(["resumed with []", "step 2 total 5", "done 5"]);
    const byValue = spickle(["run", "-c", "v.ckpt", "--serializable-modules", "*.ts", script, "2", "--stop-after=1"], { cwd: dir });
    expect(byValue.status).toBe(3);
    const carried = JSON.parse(spickle(["inspect", "--json", "v.ckpt"], { cwd: dir }).stdout).modules[0];
    expect(carried.byValue).toBe(true);
    expect(carried.codeSize).toBeGreaterThan(readFileSync(script, "utf8").length);
  });

  it("bad values are usage errors (exit 2)", () => {
    const script = join(project, "counter.ts");
    for (const args of [
      ["run", "-c", "x.ckpt", "--checkpoint-every", "soon", script, "1"],
      ["run", "-c", "x.ckpt", "--keep", "0", script, "1"],
      ["run", "--keep", "2", script, "1"],
      ["run", "--checkpoint-every", "1s", script, "1"],
    ]) {
      const r = spickle(args, { cwd: freshFolder() });
      expect(r.status, args.join(" ")).toBe(2);
      expect(lines(r.stderr), args.join(" ")).toHaveLength(1);
    }
  });
});

describe("spickle resume", () => {
  it("continues from the checkpoint with the new arguments; later checkpoints replace that file", () => {
    const original = firstCheckpoint();
    // Resume from a copy, in another folder: the copy is the file later checkpoints replace.
    const elsewhere = freshFolder();
    const copy = join(elsewhere, "copy.ckpt");
    copyFileSync(original, copy);
    const before = readFileSync(original);
    const r = spickle(["resume", "copy.ckpt", "again", "--verbose"], { cwd: elsewhere });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(lines(r.stdout)).toEqual(["resumed with [again --verbose]", "step 2 total 5", "step 3 total 14", "done 14"]);
    expect(readFileSync(original).equals(before)).toBe(true);
    expect(readFileSync(copy).equals(before)).toBe(false);
    // The program finished: its checkpoint file says so; forced, the last checkpoint (after
    // step 3) resumes to the end.
    expect(spickle(["resume", copy]).status).toBe(2);
    const last = spickle(["resume", "--force", copy]);
    expect(last.status).toBe(0);
    expect(lines(last.stdout)).toEqual(["resumed with []", "done 14"]);
  });

  it("--checkpoint-file sends later checkpoints elsewhere", () => {
    const original = firstCheckpoint();
    const before = readFileSync(original);
    const next = join(freshFolder(), "next.ckpt");
    const r = spickle(["resume", "--checkpoint-file", next, original]);
    expect(r.status).toBe(0);
    // Both say the program finished; the original only by that header field.
    const marked = readSnapshotHeader(readFileSync(original), { key: null });
    expect(marked.finished).toEqual(expect.any(String));
    expect({ ...marked, finished: undefined }).toEqual({ ...readSnapshotHeader(before, { key: null }), finished: undefined });
    expect(readSnapshotHeader(readFileSync(next), { key: null }).finished).toEqual(expect.any(String));
  });

  it("a program failing after resume exits 1 with the .ts line", () => {
    const dir = freshFolder();
    const ckpt = join(dir, "f.ckpt");
    expect(spickle(["run", "-c", ckpt, join(project, "fails.ts")]).status).toBe(1);
    const r = spickle(["resume", ckpt]);
    expect(r.status).toBe(1);
    expect(lines(r.stderr)[0]).toBe("Error: value too large: 2");
    expect(r.stderr).toMatch(/fails\.ts:7:\d+/);
    // the generator's frame is shown under its own name, as a native generator's is
    expect(r.stderr).toMatch(/at fails \(.*fails\.ts:16:\d+\)/);
    expect(r.stderr).not.toContain("$body");
  });

  it("continues when the program's source is gone (its modules travel by value)", () => {
    const dir = freshFolder();
    cpSync(join(project, "counter.ts"), join(dir, "gone.ts"));
    const run = spickle(["run", "-c", "g.ckpt", "gone.ts", "2", "--stop-after=1"], { cwd: dir });
    expect(run.status).toBe(3);
    rmSync(join(dir, "gone.ts"));
    const r = spickle(["resume", "g.ckpt"], { cwd: dir });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(lines(r.stdout)).toEqual(["resumed with []", "step 2 total 5", "done 5"]);
  });

  it("says so when the source of a module named by reference is gone", () => {
    const dir = freshFolder();
    cpSync(join(project, "counter.ts"), join(dir, "gone.ts"));
    const run = spickle(["run", "-c", "g.ckpt", "--serializable-modules", "lib/**", "gone.ts", "2", "--stop-after=1"], { cwd: dir });
    expect(run.status).toBe(3);
    rmSync(join(dir, "gone.ts"));
    const r = spickle(["resume", "g.ckpt"], { cwd: dir });
    expect(r.status).toBe(2);
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/^spickle: g\.ckpt: its program .*gone\.ts is missing/);
  });
});

describe("bad snapshots: exit 2 and one line naming the file and the problem", () => {
  const kinds: Array<[string, (good: Uint8Array, file: string) => void, RegExp]> = [
    ["missing", () => {}, /no such file/],
    ["empty", (_good, file) => writeFileSync(file, ""), /empty snapshot/],
    ["not a snapshot", (_good, file) => writeFileSync(file, "just some text, not a snapshot\n"), /not a spickle snapshot/],
    ["truncated", (good, file) => writeFileSync(file, good.subarray(0, Math.floor(good.length / 2))), /truncated snapshot/],
    [
      "checksum mismatch",
      (good, file) => {
        const bad = Uint8Array.from(good);
        bad[bad.length - 40]! ^= 0xff;
        writeFileSync(file, bad);
      },
      /checksum mismatch/,
    ],
    [
      "incompatible format version",
      (good, file) => {
        const bad = Uint8Array.from(good);
        bad[4] = 0;
        bad[5] = 99;
        writeFileSync(file, bad);
      },
      /format version 99 but this reader supports 1/,
    ],
  ];

  for (const [kind, make, problem] of kinds) {
    it(kind, () => {
      const good = readFileSync(firstCheckpoint());
      const dir = freshFolder();
      const file = join(dir, "bad.ckpt");
      make(good, file);
      for (const command of ["resume", "inspect"]) {
        const r = spickle([command, "bad.ckpt"], { cwd: dir });
        expect(r.status, `${command}: ${r.stderr}`).toBe(2);
        expect(r.stdout).toBe("");
        expect(lines(r.stderr)).toHaveLength(1);
        expect(r.stderr).toMatch(/^spickle: bad\.ckpt: /);
        expect(r.stderr).toMatch(problem);
      }
    });
  }

  it("signature mismatch (and an unsigned snapshot when a key is set)", () => {
    const signed = firstCheckpoint({ SPICKLE_KEY: "right key" });
    for (const command of ["resume", "inspect"]) {
      const r = spickle([command, signed], { env: { SPICKLE_KEY: "wrong key" } });
      expect(r.status).toBe(2);
      expect(r.stdout).toBe("");
      expect(lines(r.stderr)).toEqual([`spickle: ${signed}: signature mismatch (wrong key: SPICKLE_KEY or the key option; or a tampered snapshot)`]);
    }
    const unsigned = firstCheckpoint();
    const r = spickle(["resume", unsigned], { env: { SPICKLE_KEY: "some key" } });
    expect(r.status).toBe(2);
    expect(lines(r.stderr)).toEqual([`spickle: ${unsigned}: snapshot is unsigned but a key is set (SPICKLE_KEY or the key option)`]);
    // With the right key it resumes.
    const ok = spickle(["resume", signed, "signed"], { env: { SPICKLE_KEY: "right key" } });
    expect(ok.status).toBe(0);
    expect(lines(ok.stdout)[0]).toBe("resumed with [signed]");
  });
});

describe("spickle inspect", () => {
  it("a snapshot of a value (not a checkpoint) is shown, and resume refuses it", () => {
    const dir = freshFolder();
    writeFileSync(join(dir, "value.snap"), dumps({ a: 1 }, { key: null }));
    const r = spickle(["inspect", "value.snap"], { cwd: dir });
    expect(r.status).toBe(0);
    expect(lines(r.stdout)[0]).toBe(`Snapshot ${join(dir, "value.snap")}`);
    const resumed = spickle(["resume", "value.snap"], { cwd: dir });
    expect(resumed.status).toBe(2);
    expect(lines(resumed.stderr)).toEqual(["spickle: value.snap: not a checkpoint (a plain snapshot): nothing to resume"]);
  });


  it("shows versions, creation time, program, tasklets, size and modules", () => {
    const file = firstCheckpoint();
    const r = spickle(["inspect", file]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const out = r.stdout;
    expect(lines(out)[0]).toBe(`Checkpoint ${file}`);
    expect(out).toMatch(/^ {2}Created: +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \((just now|\d+ seconds? ago)\)$/m);
    expect(out).toContain(`  Program:   ${join(project, "counter.ts")}\n`);
    expect(out).toMatch(/^ {2}Tasklets: +1 tasklet alive, paused in counter$/m);
    expect(out).toMatch(/^ {2}Size: +[\d.]+ (B|KiB) \([\d,]+ bytes; header \d+ B, body [\d.]+ (B|KiB)\)$/m);
    expect(out).toMatch(/^ {2}Spickle: +\d+\.\d+\.\d+$/m);
    expect(out).toContain(`  Node:      ${process.version}\n`);
    expect(out).toMatch(/^ {2}Format: +version 1$/m);
    expect(out).toMatch(/^ {2}Signature: +none \(unsigned\)$/m);
    expect(out).toMatch(/^ {2}Checksum: +ok/m);
    for (const line of lines(out)) expect(line.length).toBeLessThanOrEqual(120);
  });

  it("shows every tasklet's stack at its original source lines, what it waits on, and the objects by type", () => {
    const dir = freshFolder();
    const script = join(project, "pipeline.ts");
    const run = spickle(["run", "-c", "p.ckpt", script], { cwd: dir });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(3);
    const source = readFileSync(script, "utf8").split("\n");
    const at = (fn: string, text: string) => {
      const line = source.findIndex((l) => l.includes(text)) + 1;
      // The column of the suspended expression (the yield), as a stack trace points at a call.
      const text0 = source[line - 1]!;
      const column = (text0.includes("yield") ? text0.indexOf("yield") : text0.search(/\S/)) + 1;
      return `      at ${fn} (${script}:${line}:${column})\n          ${text}\n`;
    };
    const r = spickle(["inspect", "p.ckpt"], { cwd: dir });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    // The sleeper's time left is what remained at the checkpoint: on a busy machine a little less.
    expect(r.stdout.replace(/sleeping, (?:60\.0|59\.\d) s left/, "sleeping, about 60 s left")).toContain(
      "  TASKLETS\n" +
        "  #1 main: current (it took this checkpoint)\n" +
        at("main", "const point = yield* cp.checkpoint();") +
        "  #2 producer: sending on channel 1\n" +
        at("produce", "yield* out.send(i * i);") +
        at("producer", "yield* produce(out, 3);") +
        "  #3 consumer: receiving on channel 2\n" +
        at("consumer", "const word = yield* input.receive();") +
        "  #4 sleeper: sleeping, about 60 s left\n" +
        at("sleeper", "yield* sleep(60_000);") +
        "  #5 idle: runnable\n" +
        at("idle", 'console.log("idle ran");'),
    );
    expect(r.stdout).toMatch(/^ {2}MODULE +HASH +MODE +CODE\n {2}pipeline\.ts +[0-9a-f]{12} +by value +[\d.]+ KiB\n/m);
    expect(r.stdout).toMatch(/^ {2}OBJECTS BY TYPE +COUNT +SIZE +LARGEST\n {2}Module +1 +[\d.]+ KiB +[\d.]+ KiB\n/m);
    expect(r.stdout).toMatch(/^ {2}Tasklet +5 +\d+ B +\d+ B$/m);
    for (const line of lines(r.stdout)) expect(line.length).toBeLessThanOrEqual(120);

    const json = JSON.parse(spickle(["inspect", "--json", "p.ckpt"], { cwd: dir }).stdout);
    expect(json.stacks.map((t: { name: string; state: string }) => [t.name, t.state])).toEqual([
      ["main", "current"],
      ["producer", "sending"],
      ["consumer", "receiving"],
      ["sleeper", "sleeping"],
      ["idle", "runnable"],
    ]);
    expect(json.stacks[1].frames[0]).toEqual({
      fn: "produce",
      module: "pipeline.ts",
      file: script,
      line: source.findIndex((l) => l.includes("yield* out.send(i * i);")) + 1,
      column: 5,
      source: "yield* out.send(i * i);",
      // The frame's function site and resume point (spickle diff names changed functions by them).
      site: "pipeline.ts#produce$body",
      at: expect.any(Number),
    });
    expect(json.modules).toEqual([{ id: "pipeline.ts", hash: expect.stringMatching(/^[0-9a-f]{64}$/), byValue: true, codeSize: expect.any(Number) }]);
    expect(json.objects.find((o: { type: string }) => o.type === "Tasklet")).toMatchObject({ count: 5 });
    const total = json.objects.reduce((sum: number, o: { bytes: number }) => sum + o.bytes, 0);
    expect(total).toBeGreaterThan(json.bodySize * 0.9);
    expect(total).toBeLessThanOrEqual(json.bodySize);

    // And the program resumes from that checkpoint.
    const resumed = spickle(["resume", "p.ckpt"], { cwd: dir });
    expect(resumed.stderr).toBe("");
    expect(resumed.status).toBe(0);
    expect(lines(resumed.stdout)).toEqual(["got 1", "idle ran", "consumer got hello"]);
  });

  it("--json gives the same for tools", () => {
    const file = firstCheckpoint({ SPICKLE_KEY: "k" });
    const r = spickle(["inspect", "--json", file], { env: { SPICKLE_KEY: "k" } });
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout);
    const size = readFileSync(file).length;
    expect(report).toMatchObject({
      path: file,
      kind: "checkpoint",
      size,
      formatVersion: 1,
      signed: true,
      signatureVerified: true,
      nodeVersion: process.version,
      entry: join(project, "counter.ts"),
      tasklets: 1,
      pausedIn: "counter",
    });
    expect(report.headerSize + report.bodySize).toBeLessThan(size);
    expect(Number.isNaN(Date.parse(report.created))).toBe(false);
    expect(report.header.kind).toBe("checkpoint");
    // Signed but no key to check it with: still shown, and said so.
    const unverified = JSON.parse(spickle(["inspect", "--json", file]).stdout);
    expect(unverified.signatureVerified).toBe(false);
  });
});

describe("help and version", () => {
  it("--version", () => {
    const r = spickle(["--version"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^spickle \d+\.\d+\.\d+ \(snapshot format 1, node v\d+/);
  });

  for (const command of [[], ["run"], ["resume"], ["inspect"]]) {
    it(`${["spickle", ...command].join(" ")} --help shows usage and an example`, () => {
      const r = spickle([...command, "--help"]);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^Usage: spickle${command.length ? ` ${command[0]}` : ""} `));
      expect(r.stdout).toMatch(/Examples:\n {2}\$ spickle /);
    });
  }
});

it("output into a closed pipe ends quietly (spickle --help | head -1)", () => {
  const bin = new URL("../dist/bin.js", import.meta.url).pathname;
  const result = spawnSync("sh", ["-c", `"${process.execPath}" "${bin}" --help | head -1`], { encoding: "utf8" });
  expect(result.status).toBe(0);
  expect(result.stdout).toMatch(/^Usage: spickle/);
  expect(result.stderr).not.toMatch(/EPIPE|Unhandled/);
});
