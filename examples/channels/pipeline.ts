// A pipeline of tasklets over channels, checkpointed after every result: `numbers` sends 1..n,
// `squares` squares what it receives, and the main tasklet adds the squares up. A checkpoint
// holds all three where they are — two of them blocked on a channel — and a resume continues
// the whole pipeline, in another process.
//
//   spickle run -c pipeline.ckpt examples/channels/pipeline.ts 10 --crash-after=4
//   spickle resume pipeline.ckpt

import { Channel, Tasklet, type CheckpointSupport } from "spickle";

function* numbers(out: Channel<number>, count: number) {
  for (let n = 1; n <= count; n++) yield* out.send(n);
  out.close();
}

function* squares(input: Channel<number>, out: Channel<number>) {
  for (let r = yield* input.next(); !r.done; r = yield* input.next()) {
    yield* out.send(r.value * r.value);
  }
  out.close();
}

export default function* sumOfSquares(cp: CheckpointSupport, count = "10", ...options: string[]) {
  const crashAfter = Number(options.find((o) => o.startsWith("--crash-after="))?.split("=")[1] ?? Infinity);
  const raw = new Channel<number>();
  const squared = new Channel<number>();
  new Tasklet(numbers, raw, Number(count));
  new Tasklet(squares, raw, squared);
  let total = 0;
  let received = 0;
  for (let r = yield* squared.next(); !r.done; r = yield* squared.next()) {
    total += r.value;
    received++;
    console.log(`received ${r.value}, total ${total}`);
    const point = yield* cp.checkpoint();
    if (point.resumed) console.log(`resumed after ${received} results`);
    else if (received === crashAfter) {
      console.log(`stopping after ${received} results, as if the machine went away`);
      process.exit(75);
    }
  }
  console.log(`sum of the first ${count} squares: ${total}`);
  return total;
}
