import { Channel, Tasklet, schedule } from "@spickle/runtime";

export function* little(id: number, out: Channel<number>) {
  yield* schedule();
  yield* out.send(id);
}

// n tasklets created, each switching once and reporting over one channel.
export function* crowd(n: number) {
  const out = new Channel<number>();
  for (let i = 0; i < n; i++) new Tasklet(little, i, out);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += yield* out.receive();
  yield* schedule(); // the senders finish
  return sum;
}
