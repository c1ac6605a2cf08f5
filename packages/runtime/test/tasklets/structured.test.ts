// Structured concurrency: join, all, race, select, and main halting the tasklets it leaves behind
// (daemons excepted). The programs are native generators driven by the scheduler, as in
// scheduler.test.ts; compiled ones are checkpointed in packages/spickle/test/tasklets-structured.test.ts.
import { describe, expect, test } from "vitest";
import {
  all, Channel, ChannelClosedError, race, schedule, Scheduler, select, sleep, Tasklet, TaskletExit, type Tasklet as TaskletType,
} from "@spickle/runtime";

function* worker(log: string[], name: string, steps: number, fail = false): Generator<unknown, string> {
  try {
    for (let i = 0; i < steps; i++) yield* schedule();
    if (fail) throw new Error(`${name} broke`);
    log.push(`${name} done`);
    return `${name} result`;
  } finally {
    log.push(`${name} finally`);
  }
}

describe("join", () => {
  test("returns the result, throws the error, and throws TaskletExit for a killed tasklet", async () => {
    const log: string[] = [];
    const result = await new Scheduler().run(function* main() {
      const ok = new Tasklet(worker, log, "ok", 3);
      const bad = new Tasklet(worker, log, "bad", 1, true);
      const victim = new Tasklet(worker, log, "victim", 100);
      const out: unknown[] = [yield* ok.join()];
      try {
        yield* bad.join();
      } catch (error) {
        out.push((error as Error).message);
      }
      victim.kill();
      try {
        yield* victim.join();
      } catch (error) {
        out.push(error instanceof TaskletExit);
      }
      out.push(yield* ok.join()); // joining an ended tasklet returns at once
      return out;
    });
    expect(result).toEqual(["ok result", "bad broke", true, "ok result"]);
    expect(log).toEqual(["bad finally", "ok done", "ok finally", "victim finally"]);
  });

  test("a failure someone joins is delivered to the joiner, not reported", async () => {
    const reported: unknown[] = [];
    const scheduler = new Scheduler({ onError: (_t, error) => reported.push(error) });
    const message = await scheduler.run(function* main() {
      const bad = new Tasklet(worker, [], "bad", 2, true);
      try {
        yield* bad.join();
        return "no error";
      } catch (error) {
        return (error as Error).message;
      }
    });
    expect(message).toBe("bad broke");
    expect(reported).toEqual([]);
  });
});

describe("all and race", () => {
  test("all: every result in order", async () => {
    const log: string[] = [];
    const results = await new Scheduler().run(function* main() {
      return yield* all([new Tasklet(worker, log, "a", 5), new Tasklet(worker, log, "b", 1)]);
    });
    expect(results).toEqual(["a result", "b result"]);
  });

  test("all: the first failure is thrown and the others are killed", async () => {
    const log: string[] = [];
    const message = await new Scheduler().run(function* main() {
      const slow = new Tasklet(worker, log, "slow", 1000);
      try {
        yield* all([slow, new Tasklet(worker, log, "bad", 2, true)]);
        return "no error";
      } catch (error) {
        log.push(`slow alive=${slow.alive} status=${slow.status}`);
        return (error as Error).message;
      }
    });
    expect(message).toBe("bad broke");
    expect(log).toEqual(["bad finally", "slow finally", "slow alive=false status=killed"]);
  });

  test("race: the first to end wins and the others are killed", async () => {
    const log: string[] = [];
    const winner = await new Scheduler().run(function* main() {
      return yield* race([new Tasklet(worker, log, "slow", 1000), new Tasklet(worker, log, "fast", 2)]);
    });
    expect(winner).toBe("fast result");
    expect(log).toEqual(["fast done", "fast finally", "slow finally"]);
  });
});

describe("select", () => {
  test("takes the case that is ready, and only that one", async () => {
    const result = await new Scheduler().run(function* main() {
      const a = new Channel<string>();
      const b = new Channel<string>();
      new Tasklet(function* sender() {
        yield* b.send("from b");
        yield* a.send("from a");
      });
      const first = yield* select(a.receive(), b.receive());
      const second = yield* select(a.receive(), b.receive());
      return [first, second, a.balance, b.balance];
    });
    expect(result).toEqual([
      { index: 1, value: "from b", done: false },
      { index: 0, value: "from a", done: false },
      0, 0,
    ]);
  });

  test("a send case, a join case, and a closed channel", async () => {
    const out = await new Scheduler().run(function* main() {
      const results: unknown[] = [];
      const ch = new Channel<number>();
      const never = new Channel<number>();
      const receiver = new Tasklet(function* receiver() {
        return (yield* ch.receive()) * 2;
      });
      results.push(yield* select(never.receive(), ch.send(21)));
      results.push(yield* select(never.receive(), receiver.join()));
      ch.close();
      results.push(yield* select(never.receive(), ch.receive()));
      results.push(never.balance);
      return results;
    });
    expect(out).toEqual([
      { index: 1, value: undefined, done: false },
      { index: 1, value: 42, done: false },
      { index: 1, value: undefined, done: true },
      0,
    ]);
  });

  test("a selecting tasklet that is killed leaves every channel's queue", async () => {
    const out = await new Scheduler().run(function* main() {
      const a = new Channel<number>();
      const b = new Channel<number>();
      const waiter = new Tasklet(function* waiter() {
        return yield* select(a.receive(), b.receive());
      });
      yield* schedule();
      const waiting = [a.balance, b.balance, waiter.status];
      waiter.kill();
      return [...waiting, a.balance, b.balance, waiter.status];
    });
    expect(out).toEqual([-1, -1, "blocked", 0, 0, "killed"]);
  });

  test("refuses a channel named twice and used cases", () => {
    const ch = new Channel();
    expect(() => select(ch.receive(), ch.receive())).toThrow(/twice/);
    const used = ch.receive();
    select(used);
    expect(() => select(used)).toThrow(/already used/);
  });
});

describe("when main ends", () => {
  test("the other tasklets are killed, their finally blocks run (even ones that switch), then the run settles", async () => {
    const log: string[] = [];
    const scheduler = new Scheduler();
    let blocked: TaskletType | undefined;
    const result = await scheduler.run(function* main() {
      new Tasklet(worker, log, "spinner", Infinity);
      blocked = new Tasklet(function* blocked() {
        try {
          yield* new Channel().receive();
        } finally {
          yield* sleep(1);
          log.push("blocked cleaned up after a sleep");
        }
      });
      yield* schedule();
      return "main done";
    });
    expect(result).toBe("main done");
    expect(log).toEqual(["spinner finally", "blocked cleaned up after a sleep"]);
    expect(blocked!.status).toBe("killed");
    expect(scheduler.live).toBe(0);
  });

  test("daemons are left where they are", async () => {
    const log: string[] = [];
    const scheduler = new Scheduler();
    let daemon: TaskletType | undefined;
    await scheduler.run(function* main() {
      daemon = new Tasklet(worker, log, "daemon", Infinity);
      daemon.daemon = true;
      yield* schedule();
    });
    expect(log).toEqual([]);
    expect(daemon!.alive).toBe(true);
    expect(scheduler.live).toBe(1);
  });

  test("main's error still settles the run after the others are halted", async () => {
    const log: string[] = [];
    await expect(new Scheduler().run(function* main() {
      new Tasklet(worker, log, "other", Infinity);
      yield* schedule();
      throw new ChannelClosedError("main broke");
    })).rejects.toThrow("main broke");
    expect(log).toEqual(["other finally"]);
  });
});
