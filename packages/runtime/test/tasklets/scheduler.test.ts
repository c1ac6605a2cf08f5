import { describe, expect, test } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Scheduler, Tasklet, schedule, type Tasklet as TaskletType } from "@spickle/runtime";
import { loadProgram, quiet } from "./support.js";

const basics = await loadProgram("basics");
const timers = await loadProgram("timers");
const ioProgram = await loadProgram("io");
const errors = await loadProgram("errors");
const locks = await loadProgram("locks");
const many = await loadProgram("many");

const dir = mkdtempSync(join(tmpdir(), "spickle-tasklets-"));
const files = ["alpha", "beta", "gamma"].map((name, i) => {
  const path = join(dir, `${name}.txt`);
  writeFileSync(path, `${name} line\n`.repeat(i + 1));
  return path;
});

describe("scheduling", () => {
  test("schedule() is FIFO and fair: main first, then tasklets in creation order", async () => {
    expect(await new Scheduler().run(basics.roundRobin)).toEqual(["m0", "a0", "b0", "m1", "a1", "b1", "m2", "a2", "b2"]);
  });

  test("new Tasklet outside a tasklet needs scheduler.spawn", async () => {
    expect(() => new Tasklet(basics.spinner, [], 1, "x")).toThrow(/scheduler\.spawn/);
    const scheduler = new Scheduler();
    const log: string[] = [];
    const early = scheduler.spawn(basics.spinner, log, 2, "early");
    expect(early.id).toBe(1);
    expect(early.status).toBe("runnable");
    await scheduler.run(basics.spinner, log, 2, "main");
    expect(log).toEqual(["main0", "early0", "main1", "early1"]);
    expect(scheduler.main!.id).toBe(2);
  });

  test("two schedulers run side by side, each with its own tasklets", async () => {
    const [a, b] = await Promise.all([new Scheduler().run(basics.pingPong, 500), new Scheduler().run(timers.timerOrder)]);
    expect(a).toBe(499 * 500);
    expect(b).toEqual(["0ms", "60ms", "120ms", "180ms", "main"]);
  });

  test("the run ends with main; other tasklets are halted, daemons left where they are", async () => {
    const scheduler = new Scheduler();
    let other: TaskletType | undefined;
    let daemon: TaskletType | undefined;
    const result = await scheduler.run(function* main() {
      other = new Tasklet(function* forever() {
        for (;;) yield* schedule();
      });
      daemon = new Tasklet(function* forever() {
        for (;;) yield* schedule();
      });
      daemon.daemon = true;
      yield* schedule();
      return "main done";
    } as never);
    expect(result).toBe("main done");
    expect(scheduler.state).toBe("done");
    expect(other!.status).toBe("killed");
    expect(daemon!.alive).toBe(true);
    expect(daemon!.status).toBe("runnable");
    expect(scheduler.live).toBe(1);
  });

  test("100,000 tasklets are created and run", async () => {
    const n = 100_000;
    const scheduler = new Scheduler();
    expect(await scheduler.run(many.crowd, n)).toBe((n * (n - 1)) / 2);
    expect(scheduler.live).toBe(0);
    expect(scheduler.switches).toBeGreaterThan(2 * n);
  });
});

describe("timers", () => {
  test("sleepers wake in due order", async () => {
    expect(await new Scheduler().run(timers.timerOrder)).toEqual(["0ms", "60ms", "120ms", "180ms", "main"]);
  });

  test("a tasklet spinning on schedule() does not starve a sleeper", async () => {
    const started = Date.now();
    const { log, spins } = (await new Scheduler().run(timers.fairness, 1e9)) as { log: string[]; spins: number };
    expect(log).toEqual(["woke after >=20 ms, spinner still spinning"]);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(spins).toBeGreaterThan(100);
  });

  test("timed pipeline", async () => {
    expect(await new Scheduler().run(timers.timedPipeline)).toEqual(["tick 0", "tick 1", "tick 2", "tick 3"]);
  });

  test("no busy waiting while every tasklet sleeps", async () => {
    const scheduler = new Scheduler();
    const cpu = process.cpuUsage();
    const slept = (await scheduler.run(timers.longSleep, 150)) as number;
    const used = process.cpuUsage(cpu);
    expect(slept).toBeGreaterThanOrEqual(149);
    expect((used.user + used.system) / 1000).toBeLessThan(60);
    expect(scheduler.switches).toBeLessThan(5);
  });
});

describe("io", () => {
  test("tasklets park on real file reads and get their contents", async () => {
    expect(await new Scheduler().run(ioProgram.readFiles, files)).toEqual([
      "alpha.txt:11:alpha line",
      "beta.txt:20:beta line",
      "gamma.txt:33:gamma line",
    ]);
  });

  test("a rejected promise is thrown at the io call", async () => {
    expect(await new Scheduler().run(ioProgram.readMissing, join(dir, "missing.txt"))).toBe("caught ENOENT");
  });

  test("other tasklets run while one waits on io", async () => {
    expect(await new Scheduler().run(ioProgram.ioWithSpinner, files[2])).toEqual([
      "plain 42",
      "read 33 chars; spinner ran meanwhile",
    ]);
  });
});

describe("errors, kill, throw", () => {
  test("an uncaught error ends that tasklet, is reported, and the others go on", async () => {
    const reported: [string, string][] = [];
    const log = await new Scheduler({ onError: (t, e) => reported.push([t.name, (e as Error).message]) }).run(errors.failingTasklets);
    expect(log).toEqual(["good 0", "good 1", "good 2", "bad failed boom alive=false", "good done fine"]);
    expect(reported).toEqual([["bad", "boom"]]);
  });

  test("if the main tasklet fails, the run fails", async () => {
    const scheduler = new Scheduler();
    await expect(scheduler.run(errors.mainFails)).rejects.toThrow(TypeError);
    expect(scheduler.state).toBe("failed");
    expect((scheduler.error as Error).message).toBe("main broke");
    expect(scheduler.main!.status).toBe("failed");
  });

  test("kill() ends a tasklet wherever it waits; finally blocks run", async () => {
    expect(await new Scheduler().run(errors.kills)).toEqual([
      "channel waits", "sleep waits", "io waits", "runnable waits",
      "fresh killed",
      "balance before -1",
      "victim blocked blocked=true", "channel finally", "victim killed alive=false",
      "victim sleeping blocked=true", "sleep finally", "victim killed alive=false",
      "victim io blocked=true", "io finally", "victim killed alive=false",
      "balance after 0",
      "runnable finally",
      "runnable killed",
      "self killed",
    ]);
  });

  test("throw() raises an error where the tasklet waits", async () => {
    expect(await new Scheduler(quiet).run(errors.throwsInto)).toEqual([
      "caught wake up",
      "balance -1",
      "then hello",
      "dier failed RangeError",
      "catcher done",
      "exit class TaskletExit",
    ]);
  });
});

describe("locks", () => {
  test("waiters get the lock in order; release hands it over; not reentrant", async () => {
    expect(await new Scheduler().run(locks.contention)).toEqual([
      "a in",
      "locked=true waiters=3",
      "a out", "b in", "b out", "c in", "c out", "d in", "d out",
      "locked=false",
      "spickle: tasklet #n (contention) acquires a Lock it holds (locks are not reentrant)",
      "spickle: release of an unlocked Lock",
    ]);
  });
});
