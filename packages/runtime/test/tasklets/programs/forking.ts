import { Channel, Lock, Tasklet, hostCall, schedule, sleep } from "@spickle/runtime";

export function* busy(log: string[], tag: string, n: number) {
  for (let i = 0; i < n; i++) {
    log.push(`${tag}${i}`);
    yield* schedule();
  }
}

// main forks (a host call) while others are runnable, sleeping, blocked on a channel and a lock.
export function* forker() {
  const log: string[] = [];
  const ch = new Channel<string>();
  const lock = new Lock();
  new Tasklet(busy, log, "b", 3);
  new Tasklet(function* late() {
    yield* sleep(20);
    log.push("late woke");
    yield* ch.send("from late");
  });
  new Tasklet(function* locked() {
    yield* lock.acquire();
    log.push("locked got lock");
    lock.release();
  });
  yield* lock.acquire();
  yield* schedule();
  log.push(`before fork: ch=${ch.balance} lock=${lock.locked}/${lock.waiters.size}`);
  const fork = (yield* hostCall({ kind: "fork" })) as { resumed: boolean };
  log.push(`after fork: resumed=${fork.resumed}`);
  lock.release();
  log.push(yield* ch.receive());
  yield* schedule();
  return log;
}
