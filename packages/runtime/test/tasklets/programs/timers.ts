import { Channel, Tasklet, schedule, sleep } from "@spickle/runtime";

export function* sleeper(log: string[], ms: number, tag: string, done?: Channel<string>) {
  yield* sleep(ms);
  log.push(tag);
  if (done !== undefined) yield* done.send(tag);
}

// Timers wake in due order, whatever the creation order. The gaps (60 ms) are far wider than the
// time it takes the sleepers to start, and main waits for all of them rather than for a fixed
// time, so a loaded machine (or a second scheduler sharing the event loop) cannot reorder them.
export function* timerOrder() {
  const log: string[] = [];
  const done = new Channel<string>();
  new Tasklet(sleeper, log, 180, "180ms", done);
  new Tasklet(sleeper, log, 60, "60ms", done);
  new Tasklet(sleeper, log, 120, "120ms", done);
  new Tasklet(sleeper, log, 0, "0ms", done);
  for (let i = 0; i < 4; i++) yield* done.receive();
  log.push("main");
  return log;
}

// A tasklet spinning on schedule() does not starve a sleeper.
export function* fairness(spinLimit: number) {
  const log: string[] = [];
  let awake = false;
  let spins = 0;
  new Tasklet(function* spin() {
    while (!awake && spins < spinLimit) {
      spins++;
      yield* schedule();
    }
  });
  const started = Date.now();
  yield* sleep(20);
  awake = true;
  log.push(`woke after ${Date.now() - started >= 19 ? ">=20" : "<20"} ms, spinner ${spins < spinLimit ? "still spinning" : "gave up"}`);
  return { log, spins };
}

// Timed messages: a ticker sends every 5 ms, a slow consumer sleeps between receives.
export function* ticker(ch: Channel<number>, n: number) {
  for (let i = 0; i < n; i++) {
    yield* sleep(5);
    yield* ch.send(i);
  }
  ch.close();
}

export function* timedPipeline() {
  const log: string[] = [];
  const ch = new Channel<number>();
  new Tasklet(ticker, ch, 4);
  for (let r = yield* ch.next(); !r.done; r = yield* ch.next()) {
    log.push(`tick ${r.value}`);
    yield* sleep(2);
  }
  return log;
}

// One long sleep, for remaining-time tests.
export function* longSleep(ms: number) {
  const started = Date.now();
  yield* sleep(ms);
  return Date.now() - started;
}
