import { Lock, Tasklet, schedule, sleep } from "@spickle/runtime";

export function* contender(lock: Lock, log: string[], tag: string, hold: number) {
  yield* lock.acquire();
  try {
    log.push(`${tag} in`);
    for (let i = 0; i < hold; i++) yield* schedule();
    yield* sleep(1);
    log.push(`${tag} out`);
  } finally {
    lock.release();
  }
}

// Waiters get the lock in arrival order; nobody is inside with another.
export function* contention() {
  const log: string[] = [];
  const lock = new Lock();
  for (const tag of ["a", "b", "c", "d"]) new Tasklet(contender, lock, log, tag, 2);
  yield* schedule();
  log.push(`locked=${lock.locked} waiters=${lock.waiters.size}`);
  // Queued behind the four: when it is ours, they have all been in and out (no timing involved).
  yield* lock.acquire();
  lock.release();
  log.push(`locked=${lock.locked}`);
  try {
    yield* lock.acquire();
    yield* lock.acquire();
  } catch (e) {
    log.push((e as Error).message.replace(/#\d+/, "#n"));
  }
  lock.release();
  try {
    lock.release();
  } catch (e) {
    log.push((e as Error).message);
  }
  return log;
}
