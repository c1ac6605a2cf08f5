import { Channel, Tasklet, TaskletExit, io, schedule, sleep } from "@spickle/runtime";

// An uncaught error ends that tasklet only.
export function* failingTasklets() {
  const log: string[] = [];
  const bad = new Tasklet(function* bad() {
    yield* schedule();
    throw new Error("boom");
  });
  const good = new Tasklet(function* good() {
    for (let i = 0; i < 3; i++) {
      log.push(`good ${i}`);
      yield* schedule();
    }
    return "fine";
  });
  for (let i = 0; i < 5; i++) yield* schedule();
  log.push(`bad ${bad.status} ${(bad.error as Error).message} alive=${bad.alive}`);
  log.push(`good ${good.status} ${good.result}`);
  return log;
}

export function* mainFails() {
  yield* schedule();
  throw new TypeError("main broke");
}

// kill(): finally blocks run, wherever the tasklet waits.
export function* victim(log: string[], tag: string, wait: Generator | Iterator<unknown>) {
  try {
    log.push(`${tag} waits`);
    yield* wait as Generator;
    log.push(`${tag} resumed`);
  } finally {
    log.push(`${tag} finally`);
  }
}

export function* kills() {
  const log: string[] = [];
  const ch = new Channel<number>();
  const onChannel = new Tasklet(victim, log, "channel", ch.receive());
  const sleeping = new Tasklet(victim, log, "sleep", sleep(10_000));
  const onIo = new Tasklet(victim, log, "io", io(new Promise(() => {})));
  const runnable = new Tasklet(victim, log, "runnable", schedule());
  yield* schedule(); // every one has started and waits
  const fresh = new Tasklet(victim, log, "fresh", schedule());
  fresh.kill(); // never started: nothing runs, not even finally
  log.push(`fresh ${fresh.status}`);
  log.push(`balance before ${ch.balance}`);
  for (const t of [onChannel, sleeping, onIo]) {
    log.push(`${t.name} ${t.status} blocked=${t.blocked}`);
    t.kill();
    log.push(`${t.name} ${t.status} alive=${t.alive}`);
  }
  log.push(`balance after ${ch.balance}`);
  runnable.kill();
  log.push(`runnable ${runnable.status}`);
  // Self-kill throws TaskletExit: uncaught, the tasklet ends as killed.
  const self: Tasklet = new Tasklet(function* selfKill() {
    yield* schedule();
    self.kill();
    log.push("not reached");
  });
  yield* schedule();
  yield* schedule();
  log.push(`self ${self.status}`);
  return log;
}

// throw(err): the error arrives where the tasklet waits; it may catch it and go on.
export function* throwsInto() {
  const log: string[] = [];
  const ch = new Channel<string>();
  const catcher = new Tasklet(function* catcher() {
    try {
      yield* ch.receive();
    } catch (e) {
      log.push(`caught ${(e as Error).message}`);
    }
    log.push(`then ${yield* ch.receive()}`);
  });
  const dier = new Tasklet(function* dier() {
    yield* sleep(10_000);
  });
  yield* schedule();
  catcher.throw(new Error("wake up"));
  log.push(`balance ${ch.balance}`);
  yield* ch.send("hello");
  yield* schedule();
  dier.throw(new RangeError("die"));
  log.push(`dier ${dier.status} ${(dier.error as Error).name}`);
  log.push(`catcher ${catcher.status}`);
  log.push(`exit class ${new TaskletExit().name}`);
  return log;
}
