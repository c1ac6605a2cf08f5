// A lock for tasklets: `yield* lock.acquire()` takes it or waits, in arrival order; `release()`
// hands it to the first waiter (made runnable, holding the lock) or frees it. Not reentrant. Any
// tasklet may release it. A held lock with its waiters is plain data (owner, queue).

import { registerDataClass } from "../data.js";
import { Op, PARK } from "./ops.js";
import { NEXT, TaskletQueue, type Tasklet } from "./tasklet.js";

export class Lock {
  owner: Tasklet | null = null;
  waiters = new TaskletQueue();

  get locked(): boolean {
    return this.owner !== null;
  }

  acquire(): AcquireOp {
    return new AcquireOp(this);
  }

  release(): void {
    if (this.owner === null) throw new Error("spickle: release of an unlocked Lock");
    const next = this.waiters.shift();
    this.owner = next ?? null;
    if (next !== undefined) next.scheduler.makeRunnable(next, NEXT, undefined);
  }

  /** @internal */
  grab(tasklet: Tasklet): undefined | typeof PARK {
    if (this.owner === null) {
      this.owner = tasklet;
      return undefined;
    }
    if (this.owner === tasklet) throw new Error(`spickle: ${tasklet} acquires a Lock it holds (locks are not reentrant)`);
    this.waiters.push(tasklet);
    tasklet.status = "blocked";
    tasklet.waitingOn = this;
    tasklet.waiting = "acquire";
    return PARK;
  }

  /** @internal */
  removeWaiter(tasklet: Tasklet): void {
    this.waiters.remove(tasklet);
  }
}

export class AcquireOp extends Op<void> {
  declare lock: Lock | null;

  constructor(lock: Lock) {
    super();
    this.lock = lock;
  }

  protected start(tasklet: Tasklet): undefined | typeof PARK {
    const lock = this.lock!;
    this.lock = null;
    return lock.grab(tasklet);
  }
}

registerDataClass(Lock, "Lock", { shared: true });
registerDataClass(AcquireOp, "AcquireOp");
