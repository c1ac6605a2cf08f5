// The checkpoint seam: at every switch point of multi-tasklet programs, pause the scheduler, take
// it as plain data (captureGraph; only functions, symbols and user class instances become
// handles), structuredClone it, rebuild a scheduler from the clone, resume it, and compare the
// result with the uninterrupted run.

import { describe, expect, test } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  Scheduler, Tasklet, captureGraph, dataClassName, hostCall, io, isCompiledGenerator, restoreGraph, sharedDataClassName,
  sleep,
} from "@spickle/runtime";
import { HandleTable, cloneScheduler, loadProgram, quiet } from "./support.js";

const basics = await loadProgram("basics");
const closing = await loadProgram("closing");
const timers = await loadProgram("timers");
const ioProgram = await loadProgram("io");
const errors = await loadProgram("errors");
const locks = await loadProgram("locks");
const many = await loadProgram("many");
const forking = await loadProgram("forking");

const dir = mkdtempSync(join(tmpdir(), "spickle-checkpoint-"));
const files = ["one", "two", "three"].map((name) => {
  const path = join(dir, `${name}.txt`);
  writeFileSync(path, `${name}\n`.repeat(100));
  return path;
});

type Main = (...args: never[]) => Iterator<unknown>;
const programs: [string, Main, unknown[]][] = [
  ["producer/consumer", basics.producerConsumer, []],
  ["fan-out/fan-in", basics.fanOutFanIn, []],
  ["ping-pong", basics.pingPong, [12]],
  ["balance", basics.balances, []],
  ["close", closing.closeSemantics, []],
  ["timer order", timers.timerOrder, []],
  ["timed pipeline", timers.timedPipeline, []],
  ["file reads", ioProgram.readFiles, [files]],
  ["failing tasklets", errors.failingTasklets, []],
  ["throw into", errors.throwsInto, []],
  ["lock contention", locks.contention, []],
  ["crowd", many.crowd, [25]],
];

/** The handles must be code and user objects only: no runtime state, no promises. */
function expectPlain(handles: HandleTable): void {
  for (const value of handles.objects) {
    if (typeof value === "symbol" || typeof value === "function") continue;
    const object = value as object;
    expect(dataClassName(object) ?? sharedDataClassName(object), "runtime object passed as a handle").toBeUndefined();
    expect(isCompiledGenerator(object)).toBe(false);
    expect(object).not.toBeInstanceOf(Promise);
  }
}

describe("checkpoint at every switch point: plain data, cloned, resumed", () => {
  test.each(programs)("%s", async (_name, main, args) => {
    const reference = new Scheduler(quiet);
    const expected = await reference.run(main, ...(args as never[]));
    const total = reference.switches;
    expect(total).toBeGreaterThan(3);
    for (let k = 0; k <= total; k++) {
      const scheduler = new Scheduler(quiet);
      const run = scheduler.run(main, ...(args as never[]));
      let paused: Scheduler;
      try {
        paused = await scheduler.pause({ afterSwitches: k });
      } catch (error) {
        // the run ended first (a run's switch count may differ slightly with timers and io)
        expect(String(error)).toMatch(/run ended before the pause/);
        expect(await run).toEqual(expected);
        expect(k).toBeGreaterThan(total / 2);
        break;
      }
      expect(paused.state).toBe("paused");
      expect(paused.switches).toBe(k);
      const handles = new HandleTable();
      const data = captureGraph(paused, handles.external);
      expectPlain(handles);
      const clone = restoreGraph(structuredClone(data), handles.resolve) as Scheduler;
      expect(clone === paused).toBe(false); // (never hand a scheduler to expect(): its formatter iterates generators)
      expect(clone.switches).toBe(k);
      expect(await clone.resume(quiet), `resumed after ${k} of ${total} switches`).toEqual(expected);
    }
  });
});

describe("pause and resume", () => {
  test("the same scheduler resumes in process; run() settles too", async () => {
    const scheduler = new Scheduler();
    const run = scheduler.run(basics.producerConsumer);
    await scheduler.pause({ afterSwitches: 4 });
    expect(scheduler.state).toBe("paused");
    const resumed = scheduler.resume();
    const expected = await new Scheduler().run(basics.producerConsumer);
    expect(await resumed).toEqual(expected);
    expect(await run).toEqual(expected);
  });

  test("pause() from a tasklet stops at the next switch point", async () => {
    const scheduler = new Scheduler();
    let paused: Promise<Scheduler> | undefined;
    const run = scheduler.run(function* main() {
      paused = scheduler.pause();
      yield* sleep(1);
      return "ok";
    } as never);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await paused).toBeDefined();
    expect(scheduler.state).toBe("paused");
    expect(scheduler.main!.status).toBe("sleeping");
    scheduler.resume();
    expect(await run).toBe("ok");
  });

  test("a pause waits for pending io to settle, running no tasklet meanwhile", async () => {
    const scheduler = new Scheduler();
    const log: string[] = [];
    let settle: (value: string) => void = () => {};
    let settled = false;
    const run = scheduler.run(function* main() {
      new Tasklet(function* spin() {
        for (let i = 0; i < 1e9 && log.length === 0; i++) yield* sleep(0);
      });
      const value = yield* io(new Promise<string>((resolve) => (settle = resolve)));
      log.push(String(value));
      return log;
    } as never);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const switches = scheduler.switches;
    const pausing = scheduler.pause();
    // The io settles only after the pause was asked for: the pause must wait for it.
    setTimeout(() => {
      settled = true;
      settle("slow value");
    }, 20);
    const paused = await pausing;
    expect(settled).toBe(true);
    expect(paused.switches).toBe(switches);
    expect(paused.main!.status).toBe("runnable");
    expect(paused.main!.resumeValue).toBe("slow value");
    const { clone } = cloneScheduler(paused);
    expect(await clone.resume()).toEqual(["slow value"]);
    void run;
  });

  test("io that does not settle in time fails the pause, naming the tasklet; the run goes on", async () => {
    const scheduler = new Scheduler();
    let release: (value: string) => void = () => {};
    const run = scheduler.run(function* main() {
      const waiter = new Tasklet(function* waiter() {
        return yield* io(new Promise<string>((resolve) => (release = resolve)));
      });
      while (waiter.alive) yield* sleep(2);
      return waiter.result;
    } as never);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await expect(scheduler.pause({ ioTimeout: 30 })).rejects.toThrow(
      /cannot checkpoint: tasklet #2 \(waiter\) still waits on io after 30 ms/,
    );
    expect(scheduler.state).toBe("running");
    release("finally");
    expect(await run).toBe("finally");
  });

  test("timers resume with the time they had left", async () => {
    const scheduler = new Scheduler();
    void scheduler.run(timers.longSleep, 200);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const paused = await scheduler.pause();
    await new Promise((resolve) => setTimeout(resolve, 250));
    const { clone } = cloneScheduler(paused);
    const started = Date.now();
    const slept = (await clone.resume()) as number;
    const afterResume = Date.now() - started;
    expect(afterResume).toBeGreaterThanOrEqual(120);
    expect(afterResume).toBeLessThan(200);
    expect(slept).toBeGreaterThanOrEqual(450);
  });

  test("hostCall: the host sees a settled, paused scheduler; the caller continues first in both copies", async () => {
    const expectedPrefix = ["b0", "before fork: ch=0 lock=true/1"];
    let copy: Scheduler | undefined;
    let seen: { state: string; caller: string; status: string; request: unknown } | undefined;
    const scheduler = new Scheduler({
      host: async (request, tasklet, s) => {
        seen = { state: s.state, caller: tasklet.name, status: tasklet.status, request };
        expect(s.hostCaller === tasklet).toBe(true);
        copy = cloneScheduler(s).clone;
        await new Promise((resolve) => setTimeout(resolve, 5));
        return { resumed: false };
      },
    });
    const original = (await scheduler.run(forking.forker)) as string[];
    expect(seen).toEqual({ state: "paused", caller: "forker", status: "host", request: { kind: "fork" } });
    const resumed = (await copy!.resume({ hostResult: { value: { resumed: true } } })) as string[];
    const tail = ["b1", "locked got lock", "b2", "late woke", "from late"];
    expect(original).toEqual([...expectedPrefix, "after fork: resumed=false", ...tail]);
    expect(resumed).toEqual([...expectedPrefix, "after fork: resumed=true", ...tail]);
  });

  test("a host error is thrown at the host call; without a host, hostCall fails", async () => {
    const program = function* main() {
      try {
        yield* hostCall("x");
        return "no error";
      } catch (error) {
        return (error as Error).message;
      }
    } as never;
    const failing = new Scheduler({
      host: () => {
        throw new Error("disk full");
      },
    });
    expect(await failing.run(program)).toBe("disk full");
    expect(await new Scheduler().run(program)).toMatch(/needs a scheduler with a host handler/);
  });

  test("a held lock with its waiters, a blocked channel and a sleeper are plain data", async () => {
    const scheduler = new Scheduler();
    void scheduler.run(locks.contention);
    const paused = await scheduler.pause({ afterSwitches: 6 });
    expect(paused.main!.status).toBe("blocked"); // queued on the lock behind the four contenders
    const handles = new HandleTable();
    const data = captureGraph(paused, handles.external);
    expectPlain(handles);
    const json = JSON.stringify(data, (_k, v) => (typeof v === "bigint" ? String(v) : v));
    expect(json).toContain('"type":"Lock"');
    expect(json).toContain('"type":"AcquireOp"');
    expect(json).toContain('"type":"Tasklet"');
  });
});
