import { Channel, Tasklet, schedule } from "@spickle/runtime";

export function* producer(ch: Channel<number>, n: number, log: string[]) {
  for (let i = 1; i <= n; i++) {
    log.push(`send ${i}`);
    yield* ch.send(i);
  }
  ch.close();
}

export function* consumer(ch: Channel<number>, log: string[], done: Channel<number>) {
  let sum = 0;
  for (let r = yield* ch.next(); !r.done; r = yield* ch.next()) {
    log.push(`got ${r.value}`);
    sum += r.value;
  }
  yield* done.send(sum);
}

export function* producerConsumer() {
  const log: string[] = [];
  const ch = new Channel<number>();
  const done = new Channel<number>();
  new Tasklet(producer, ch, 5, log);
  new Tasklet(consumer, ch, log, done);
  const sum = yield* done.receive();
  log.push(`sum ${sum}`);
  return log;
}

export function* spinner(log: string[], n: number, tag: string) {
  for (let i = 0; i < n; i++) {
    log.push(`${tag}${i}`);
    yield* schedule();
  }
}

export function* roundRobin() {
  const log: string[] = [];
  new Tasklet(spinner, log, 3, "a");
  new Tasklet(spinner, log, 3, "b");
  yield* spinner(log, 3, "m");
  yield* schedule();
  return log;
}

// Fan-out: one producer, three workers taking jobs from one channel; fan-in: their results come
// back over one channel, tagged by worker.
export function* worker(id: number, jobs: Channel<number>, results: Channel<string>) {
  for (let r = yield* jobs.next(); !r.done; r = yield* jobs.next()) {
    yield* schedule();
    yield* results.send(`w${id}:${r.value * r.value}`);
  }
  yield* results.send(`w${id}:done`);
}

export function* fanOutFanIn() {
  const jobs = new Channel<number>();
  const results = new Channel<string>();
  const log: string[] = [];
  for (let id = 1; id <= 3; id++) new Tasklet(worker, id, jobs, results);
  const feeder = new Tasklet(function* feed() {
    for (let n = 1; n <= 6; n++) yield* jobs.send(n);
    jobs.close();
  });
  let finished = 0;
  while (finished < 3) {
    const line = yield* results.receive();
    log.push(line);
    if (line.endsWith(":done")) finished++;
  }
  log.push(`feeder ${feeder.status}`);
  return log;
}

// Ping-pong over two channels.
export function* pinger(n: number, ping: Channel<number>, pong: Channel<number>) {
  let total = 0;
  for (let i = 0; i < n; i++) {
    yield* ping.send(i);
    total += yield* pong.receive();
  }
  ping.close();
  return total;
}

export function* ponger(ping: Channel<number>, pong: Channel<number>) {
  for (let r = yield* ping.next(); !r.done; r = yield* ping.next()) yield* pong.send(r.value * 2);
}

export function* pingPong(n: number) {
  const ping = new Channel<number>();
  const pong = new Channel<number>();
  new Tasklet(ponger, ping, pong);
  return yield* pinger(n, ping, pong);
}

// Balance as in Stackless: positive with senders waiting, negative with receivers waiting.
export function* balances() {
  const log: unknown[] = [];
  const ch = new Channel<string>();
  const senders = [1, 2, 3].map((i) => new Tasklet(function* send() { yield* ch.send(`v${i}`); }));
  yield* schedule();
  log.push(ch.balance, senders.map((t) => t.blocked).join());
  log.push(yield* ch.receive(), ch.balance);
  log.push(yield* ch.receive(), yield* ch.receive(), ch.balance);
  log.push(senders.map((t) => t.status).join());
  yield* schedule();
  log.push(senders.map((t) => t.status).join());
  new Tasklet(receiveInto, ch, log, "r1");
  new Tasklet(receiveInto, ch, log, "r2");
  yield* schedule();
  log.push(ch.balance);
  yield* ch.send("x");
  log.push(ch.balance);
  yield* ch.send("y");
  log.push(ch.balance);
  yield* schedule();
  return log;
}

export function* receiveInto(ch: Channel<string>, log: unknown[], tag: string) {
  log.push(`${tag} ${yield* ch.receive()}`);
}

// Both sides hold the channel in their locals and switch between uses: it must stay one channel
// (under torture, frame-private state is copied at every resumption; channels are shared objects).
export function* sideA(ch: Channel<number>, n: number) {
  for (let i = 0; i < n; i++) {
    yield* schedule();
    yield* ch.send(i);
  }
}

export function* sharedChannel(n: number) {
  const ch = new Channel<number>();
  new Tasklet(sideA, ch, n);
  const got: number[] = [];
  for (let i = 0; i < n; i++) {
    yield* schedule();
    got.push(yield* ch.receive());
  }
  return got;
}
