import { describe, expect, test } from "vitest";
import { Channel, DeadlockError, Scheduler } from "@spickle/runtime";
import { loadProgram, quiet } from "./support.js";

const basics = await loadProgram("basics");
const closing = await loadProgram("closing");

describe("channels", () => {
  test("producer/consumer: send blocks until received; next() ends at close", async () => {
    expect(await new Scheduler().run(basics.producerConsumer)).toEqual([
      "send 1", "got 1", "send 2", "send 3", "got 2", "got 3", "send 4", "send 5", "got 4", "got 5", "sum 15",
    ]);
  });

  test("fan-out to three workers, fan-in of their results", async () => {
    const log = (await new Scheduler().run(basics.fanOutFanIn)) as string[];
    const squares = log.filter((l) => !l.endsWith("done") && l.startsWith("w")).map((l) => Number(l.split(":")[1]));
    expect(squares.sort((a, b) => a - b)).toEqual([1, 4, 9, 16, 25, 36]);
    expect(log.filter((l) => l.endsWith(":done"))).toHaveLength(3);
    expect(log.at(-1)).toBe("feeder done");
  });

  test("a channel in the locals of two tasklets stays one channel across switches", async () => {
    expect(await new Scheduler().run(basics.sharedChannel, 5)).toEqual([0, 1, 2, 3, 4]);
  });

  test("ping-pong", async () => {
    expect(await new Scheduler().run(basics.pingPong, 1000)).toBe(999 * 1000);
  });

  test("balance counts waiting senders (+) and receivers (-)", async () => {
    expect(await new Scheduler().run(basics.balances)).toEqual([
      3, "true,true,true",
      "v1", 2,
      "v2", "v3", 0,
      "runnable,runnable,runnable",
      "done,done,done",
      -2, -1, 0,
      "r1 x", "r2 y",
    ]);
  });

  test("close: queued senders deliver, then receive() throws, next() is done, send() throws", async () => {
    expect(await new Scheduler().run(closing.closeSemantics)).toEqual([
      "closed balance=2 drained=false",
      "got 1",
      "rest 2",
      "receive: ChannelClosedError: receive on a closed channel true",
      "next done=true",
      "send: send on a closed channel",
      "a sent",
      "b sent",
      "balance -3",
      "r1 receive on a closed channel",
      "r2 done=true",
      "r3 all=0",
    ]);
  });

  test("a main tasklet blocked forever is a deadlock error", async () => {
    const scheduler = new Scheduler(quiet);
    const run = scheduler.run(function* () {
      yield* new Channel().receive();
    } as never);
    await expect(run).rejects.toThrow(DeadlockError);
    await expect(run).rejects.toThrow(/main tasklet #1 .* is blocked receiving on a channel/);
  });

  test("ops outside a tasklet are an error", () => {
    expect(() => new Channel().receive().next()).toThrow(/outside a tasklet/);
  });
});
