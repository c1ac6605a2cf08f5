// What a user of `spickle run -c` / `resume` relies on when things go wrong: signals win over a
// CPU-bound tasklet, a failed checkpoint never ends the run nor touches the previous one, exit
// 75 for "checkpointed, not finished", finished checkpoints, leases, bounded messages, a full disk.

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSnapshotHeader } from "@spickle/pickle";
import { delay, lines, Live, scratchWith, spickle, type Scratch } from "./cli-support.js";

let scratch: Scratch;
let project: string;

beforeAll(() => {
  scratch = scratchWith("checkpoints");
  project = scratch.project;
});

afterAll(() => scratch?.remove());

const header = (file: string) => readSnapshotHeader(readFileSync(file), { key: null });

describe("signals win over a CPU-bound tasklet", () => {
  it("SIGINT during 0.5 s steps checkpoints at the next switch point and exits 75; resume goes on from there", async () => {
    const dir = scratch.folder();
    const run = new Live(scratch, ["run", "-c", "cr.ckpt", join(project, "crunch.ts"), "40", "500"], dir);
    await run.waitFor("step 2\n");
    const stepsAtSignal = lines(run.stdout).length;
    run.child.kill("SIGINT");
    expect(await run.exited).toBe(75);
    expect(lines(run.stderr)).toEqual([
      `spickle: SIGINT: checkpoint written to ${join(dir, "cr.ckpt")}`,
      `  continue with: spickle resume ${join(dir, "cr.ckpt")}`,
    ]);
    // Progress kept: the resumed program's first step follows the checkpointed one. Within 1 s
    // of the signal at 0.5 s a step, at most two more steps ran before it (one more allowed for
    // the lines this test had not read yet when it sent the signal, on a busy machine).
    const resumed = new Live(scratch, ["resume", "cr.ckpt"], dir);
    await resumed.waitFor("\n");
    resumed.child.kill("SIGKILL");
    await resumed.exited;
    const firstResumed = Number(/^step (\d+)$/.exec(lines(resumed.stdout)[0]!)?.[1]);
    const checkpointed = firstResumed - 1;
    expect(checkpointed).toBeGreaterThanOrEqual(stepsAtSignal);
    expect(checkpointed).toBeLessThanOrEqual(stepsAtSignal + 3);
    expect(checkpointed).toBe(lines(run.stdout).length);
  });

  it("a step longer than --max-slice gets one warning naming its function and line", () => {
    const dir = scratch.folder();
    const r = spickle(scratch, ["run", "-c", "m.ckpt", "--max-slice", "150ms", join(project, "crunch.ts"), "3", "400"], dir);
    expect(r.status).toBe(0);
    expect(lines(r.stdout)).toEqual(["step 1", "step 2", "step 3", "done 3"]);
    const source = readFileSync(join(project, "crunch.ts"), "utf8").split("\n");
    const line = source.findIndex((l) => l.includes("yield* schedule()")) + 1;
    const warnings = lines(r.stderr);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      new RegExp(`^spickle: tasklet crunch ran [\\d.]+ (ms|s) without a switch point in crunch \\(${join(project, "crunch.ts").replace(/[.\\/]/g, "\\$&")}:${line}\\); signals and checkpoints wait for its next one$`),
    );
  });
});

describe("a failed checkpoint never ends the run", () => {
  it("write streams are drained before a periodic checkpoint: 80,000 burst lines all arrive", () => {
    const dir = scratch.folder();
    const r = spickle(scratch, ["run", "-c", "b.ckpt", "--checkpoint-every", "200ms", join(project, "burst.ts"), join(dir, "out.txt"), "80000"], dir);
    // A tick that lands while the program waits for the stream to end cannot save the ending
    // stream: it says so and the program goes on. Queued bytes never make a checkpoint fail.
    for (const line of lines(r.stderr)) expect(line).toMatch(/^spickle: periodic checkpoint failed: cannot serialize WriteStream at .*: the stream is ended or closed .*; the program goes on$/);
    expect(r.status).toBe(0);
    expect(lines(r.stdout)).toEqual(["done"]);
    const written = readFileSync(join(dir, "out.txt"), "utf8").split("\n");
    expect(written).toHaveLength(80_001);
    for (let i = 0; i < 80_000; i++) if (written[i] !== `line ${i}`) expect(written[i]).toBe(`line ${i}`);
  });

  it("a periodic checkpoint that cannot be made says why once, keeps the previous one, and the program goes on", () => {
    const dir = scratch.folder();
    const r = spickle(scratch, ["run", "-c", "h.ckpt", "--checkpoint-every", "30ms", join(project, "holds.ts"), "proxy", "40"], dir);
    expect(r.status).toBe(0);
    expect(lines(r.stdout)).toEqual(["start", "let go", "done true"]);
    const said = lines(r.stderr);
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/^spickle: periodic checkpoint failed: cannot serialize Proxy at .+; the previous checkpoint .*h\.ckpt is intact; the program goes on$/);
    expect(header(join(dir, "h.ckpt")).finished).toEqual(expect.any(String));
  });

  it("a signal's checkpoint that keeps failing is retried for --signal-grace, then exits 75 with the previous checkpoint intact", async () => {
    const dir = scratch.folder();
    const run = new Live(scratch, ["run", "-c", "g.ckpt", "--signal-grace", "300ms", join(project, "holds.ts"), "proxy", "100000"], dir);
    await run.waitFor("start\n");
    const before = readFileSync(join(dir, "g.ckpt"));
    run.child.kill("SIGTERM");
    expect(await run.exited).toBe(75);
    const said = lines(run.stderr);
    expect(said).toHaveLength(2);
    expect(said[0]).toMatch(/^spickle: SIGTERM: cannot checkpoint yet: cannot serialize Proxy at .+; trying again at the next switch point for up to 300 ms$/);
    expect(said[1]).toBe(`spickle: SIGTERM: no checkpoint within 300 ms (--signal-grace); the previous checkpoint ${join(dir, "g.ckpt")} is intact`);
    expect(readFileSync(join(dir, "g.ckpt")).equals(before)).toBe(true);
  });

  it("an io that does not settle within the grace: one line (spickle: said once), exit 75", async () => {
    const dir = scratch.folder();
    const run = new Live(scratch, ["run", "-c", "i.ckpt", "--signal-grace", "300ms", join(project, "holds.ts"), "io"], dir);
    await run.waitFor("start\n");
    run.child.kill("SIGINT");
    expect(await run.exited).toBe(75);
    const said = lines(run.stderr);
    expect(said[0]).toMatch(/^spickle: SIGINT: cannot checkpoint yet: tasklet #1 \(holds\) still waits on io after \d+ ms; trying again/);
    expect(said.at(-1)).toBe(`spickle: SIGINT: no checkpoint within 300 ms (--signal-grace); the previous checkpoint ${join(dir, "i.ckpt")} is intact`);
    expect(run.stderr).not.toContain("spickle: spickle:");
    expect(header(join(dir, "i.ckpt")).kind).toBe("checkpoint");
  });
});

describe("job semantics", () => {
  it("a finished program marks its checkpoint finished; resume refuses it in one line; --force replays", () => {
    const dir = scratch.folder();
    const r = spickle(scratch, ["run", "-c", "f.ckpt", join(project, "holds.ts"), "none", "2"], dir);
    expect(r.status).toBe(0);
    expect(header(join(dir, "f.ckpt")).finished).toMatch(/^\d{4}-\d\d-\d\dT/);
    const refused = spickle(scratch, ["resume", "f.ckpt"], dir);
    expect(refused.status).toBe(2);
    expect(lines(refused.stderr)).toEqual([expect.stringMatching(/^spickle: f\.ckpt: its program finished \(.+\); nothing to resume \(--force runs its end again\)$/)]);
    const forced = spickle(scratch, ["resume", "--force", "f.ckpt"], dir);
    expect(forced.stderr).toBe("");
    expect(forced.status).toBe(0);
    expect(lines(forced.stdout)).toEqual(["start", "let go", "done true"]);
  });

  it("a second run or resume of a checkpoint path in use is refused, naming the holder; a dead holder's lease is broken", async () => {
    const dir = scratch.folder();
    const first = new Live(scratch, ["run", "-c", "l.ckpt", join(project, "holds.ts"), "none", "100000"], dir);
    await first.waitFor("start\n");
    const holder = `process ${first.child.pid} on ${hostname()}`;
    for (const args of [["resume", "l.ckpt"], ["run", "-c", "l.ckpt", join(project, "holds.ts"), "none", "1"], ["resume", "-c", "other.ckpt", "l.ckpt"]]) {
      const second = spickle(scratch, args, dir);
      expect(second.status, args.join(" ")).toBe(2);
      expect(lines(second.stderr)).toEqual([expect.stringContaining(`${join(dir, "l.ckpt")} is in use by ${holder} since `)]);
    }
    first.child.kill("SIGKILL");
    await first.exited;
    expect(existsSync(join(dir, "l.ckpt.lock"))).toBe(true);
    const after = spickle(scratch, ["run", "-c", "l.ckpt", join(project, "holds.ts"), "none", "1"], dir);
    expect(after.stderr).toBe("");
    expect(after.status).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(["l.ckpt"]);
  });

  it("SIGTERM of a run with a checkpoint file exits 75", async () => {
    const dir = scratch.folder();
    const run = new Live(scratch, ["run", "-c", "t.ckpt", join(project, "holds.ts"), "none", "100000"], dir);
    await run.waitFor("start\n");
    run.child.kill("SIGTERM");
    expect(await run.exited).toBe(75);
    expect(header(join(dir, "t.ckpt")).finished).toBeUndefined();
  });

  it("an input echoed in an error is cut to 200 characters", () => {
    const dir = scratch.folder();
    const long = `${"x".repeat(100_000)}.ckpt`;
    for (const args of [["resume", long], ["run", join(dir, long)], ["inspect", long]]) {
      const r = spickle(scratch, args, dir);
      expect(r.status).toBe(2);
      expect(lines(r.stderr)).toHaveLength(1);
      expect(r.stderr.length).toBeLessThan(600);
      expect(r.stderr).toContain(`${"x".repeat(150)}`);
    }
  });
});

describe("a full disk", () => {
  it("ENOSPC names the file, keeps the previous checkpoint, and follows the failed-checkpoint rule", async (context) => {
    const mountPoint = join(scratch.folder(), "small");
    mkdirSync(mountPoint);
    const reason = smallDisk(mountPoint);
    if (reason !== null) {
      console.log(`skipped the ENOSPC case: ${reason}`);
      context.skip();
      return;
    }
    try {
      const file = join(mountPoint, "g.ckpt");
      // 40 KB more state a step: the checkpoints outgrow 1 MiB (two copies while one replaces the other).
      const r = spickle(scratch, ["run", "-c", file, "--checkpoint-every", "30ms", join(project, "grow.ts"), "30", "40"], mountPoint);
      expect(r.status).toBe(0);
      expect(lines(r.stdout).at(-1)).toBe("done 30");
      const said = lines(r.stderr).filter((l) => l.includes("ENOSPC"));
      expect(said.length).toBeGreaterThanOrEqual(1);
      expect(said[0]).toBe(
        `spickle: periodic checkpoint failed: cannot write checkpoint ${file}: no space left on the device (ENOSPC); ` +
          "the previous checkpoint in it is intact; the program goes on",
      );
      expect(header(file).kind).toBe("checkpoint");
      expect(readdirSync(mountPoint).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    } finally {
      spawnSync("umount", [mountPoint]);
    }
  });
});

/** Mounts a 1 MiB tmpfs at `dir`; null, or why not. */
function smallDisk(dir: string): string | null {
  if (process.getuid?.() !== 0) return "not running as root (mounting a small tmpfs needs it)";
  const r = spawnSync("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", dir], { encoding: "utf8" });
  if (r.status !== 0) return `mount failed: ${(r.stderr || r.error?.message || "").trim()}`;
  writeFileSync(join(dir, ".probe"), "");
  return null;
}
