// Suspension points. `schedule()`, `sleep(ms)`, `io(work)`, a channel's `send`/`receive`, a
// lock's `acquire` and `hostCall(request)` are not generators: each returns an *op*, a runtime
// object with plain fields implementing the iterator protocol, so `yield* op` works in compiled
// code and a tasklet suspended inside one is its compiled frames plus the op as the innermost
// `yield*` delegate — all data. An op's first `next()` performs its request against the running
// tasklet's scheduler: either it completes at once (a partner was waiting), or it parks the
// tasklet and yields (the scheduler switches); resumed later, it finishes with the outcome the
// scheduler delivers (a value through `next`, an error through `throw`, a kill through `return`).

import { registerDataClass } from "../data.js";
import { SerializableIterator } from "../iterators.js";
import { active as activeBinding, type Tasklet } from "./tasklet.js";

/** A module-local reference (an imported binding costs a cell load and a TDZ check per use). */
const active = activeBinding;

/** What `start`/`resumed` return to suspend the tasklet. */
export const PARK: unique symbol = Symbol("spickle.park") as never;

/** What a suspending op yields (to the scheduler, which only needs `done: false`), and what an op
 * without a result returns: immutable, shared (an op's result object is read once by `yield*`). */
const PARKED: IteratorResult<unknown, never> = Object.freeze({ value: undefined, done: false });
const FINISHED: IteratorResult<never, undefined> = Object.freeze({ value: undefined, done: true });

export abstract class Op<R = unknown> extends SerializableIterator<unknown> {
  /** 0: not started, 1: suspended, 2: finished. */
  declare phase: number;

  constructor() {
    super();
    // Fields are assigned, not declared as class fields: a class field costs an initializer call
    // per object (measured: a third of a channel switch).
    this.phase = 0;
  }

  /** Performs the request for `tasklet`: the result, or PARK. */
  protected abstract start(tasklet: Tasklet): R | typeof PARK;

  /** The tasklet was resumed with `outcome`: the result, or PARK to wait again. */
  protected resumed(_tasklet: Tasklet, outcome: unknown): R | typeof PARK {
    return outcome as R;
  }

  override next(outcome?: unknown): IteratorResult<unknown, R> {
    // The first next() inside a tasklet is the hot path (every switch goes through it); the rest
    // is in another method, so that this one stays small enough to be inlined where it is called.
    const tasklet = active.tasklet;
    if (this.phase !== 0 || tasklet === null) return this.proceed(tasklet, outcome);
    this.phase = 2;
    return this.outcome(this.start(tasklet));
  }

  private proceed(tasklet: Tasklet | null, outcome: unknown): IteratorResult<unknown, R> {
    if (this.phase === 2) return FINISHED as IteratorResult<unknown, R>;
    if (tasklet === null) throw new Error(`spickle: ${this.constructor.name} outside a tasklet (use yield* inside a tasklet's generator)`);
    this.phase = 2;
    return this.outcome(this.resumed(tasklet, outcome));
  }

  private outcome(result: R | typeof PARK): IteratorResult<unknown, R> {
    if (result === PARK) {
      this.phase = 1;
      return PARKED;
    }
    return result === undefined ? (FINISHED as IteratorResult<unknown, R>) : { value: result, done: true };
  }

  /** @internal The scheduler resumes a tasklet parked in this op: what `next(outcome)` would
   * do, run by the scheduler so the frame can continue without a round trip through the op. */
  settle(tasklet: Tasklet, outcome: unknown): R | typeof PARK {
    this.phase = 2;
    const result = this.resumed(tasklet, outcome);
    if (result === PARK) this.phase = 1;
    return result;
  }

  throw(error: unknown): IteratorResult<unknown, R> {
    this.phase = 2;
    throw error;
  }

  return(value: R): IteratorResult<unknown, R> {
    this.phase = 2;
    return { value: value as R, done: true };
  }
}

/** `yield* schedule()`: lets every other runnable tasklet run once (FIFO), then continues. */
export class ScheduleOp extends Op<void> {
  protected start(): typeof PARK {
    return PARK; // the tasklet stays "running": the scheduler puts it at the end of the run queue
  }
}

/** `yield* sleep(ms)`: parks the tasklet on a timer. */
export class SleepOp extends Op<void> {
  declare ms: number;

  constructor(ms: number) {
    super();
    this.ms = ms;
  }

  protected start(tasklet: Tasklet): typeof PARK {
    tasklet.scheduler.addTimer(tasklet, this.ms);
    return PARK;
  }
}

/** `yield* io(work)`: parks the tasklet until the promise settles; its value, or its error thrown. */
export class IoOp<T = unknown> extends Op<T> {
  declare work: PromiseLike<T> | T | (() => PromiseLike<T> | T) | null;

  constructor(work: PromiseLike<T> | T | (() => PromiseLike<T> | T) | null) {
    super();
    this.work = work;
  }

  protected start(tasklet: Tasklet): T | typeof PARK {
    const work = this.work;
    this.work = null; // the op must hold no promise or function once started
    const value = typeof work === "function" ? (work as () => PromiseLike<T> | T)() : work;
    if (!isThenable(value)) return value as T;
    tasklet.scheduler.watchIo(tasklet, value);
    return PARK;
  }
}

/** `yield* hostCall(request)`: parks the tasklet at a switch point, lets the scheduler settle (no
 * tasklet runs, pending io settles), then hands `request` to the scheduler's host handler (the
 * checkpoint code): its result is the op's result, its error is thrown here. The caller runs
 * first afterwards. */
export class HostCallOp<T = unknown> extends Op<T> {
  declare request: unknown;

  constructor(request: unknown) {
    super();
    this.request = request;
  }

  protected start(tasklet: Tasklet): typeof PARK {
    const request = this.request;
    this.request = undefined;
    tasklet.scheduler.enterHost(tasklet, request);
    return PARK;
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    ((typeof value === "object" && value !== null) || typeof value === "function") &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

export function schedule(): ScheduleOp {
  return new ScheduleOp();
}

export function sleep(ms: number): SleepOp {
  return new SleepOp(Number(ms));
}

export function io<T>(work: PromiseLike<T> | (() => PromiseLike<T> | T)): IoOp<T> {
  return new IoOp<T>(work);
}

export function hostCall<T = unknown>(request: unknown): HostCallOp<T> {
  return new HostCallOp<T>(request);
}

registerDataClass(ScheduleOp, "ScheduleOp");
registerDataClass(SleepOp, "SleepOp");
registerDataClass(IoOp, "IoOp");
registerDataClass(HostCallOp, "HostCallOp");
