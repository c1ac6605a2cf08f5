// The scheduler: runs tasklets cooperatively inside Node's event loop. Not a singleton — each
// `new Scheduler()` is independent (an in-process resume runs a second one). Its string-keyed
// fields are the whole state a checkpoint needs (run queue, timers with due times on its own
// clock, counters); event-loop handles, hooks and io bookkeeping are TRANSIENT.
//
// Loop: take the first runnable tasklet, step it (resume its generator until it yields), repeat.
// Due timers are checked at every switch. While any tasklet waits on a timer or io, the loop
// returns to the event loop (setImmediate) every SLICE_SWITCHES switches or SLICE_MS, so a
// tasklet spinning on schedule() cannot starve a sleeper; otherwise every MAX_SLICE_MS. With
// nothing runnable it waits: a real setTimeout for the next timer, promise callbacks for io.
// With the coarse clock (option `coarseClock`) the loop reads a shared clock cell after every
// step — one memory load — so it returns to the event loop within MAX_SLICE_MS of wall time even
// when single steps are long (signal handlers and checkpoint timers run then; a pause they ask
// for stops the loop at the next switch), and it reports a step longer than `maxSlice`.
// When main ends, the other tasklets alive but daemons are killed (finally blocks run); `run()`
// settles as main ended once they have ended. Nothing runnable, no timer, no io while a tasklet
// that must end is alive is a deadlock: the run rejects with DeadlockError.

import { registerDataClass, TRANSIENT } from "../data.js";
import { FRAME, resumeNext, type Frame } from "../generator.js";
import { coarseClock, STILL_CLOCK } from "./coarse-clock.js";
import { Op, PARK } from "./ops.js";
import { describeWait, haltOthers, leave, nonDaemonsAlive } from "./structured.js";
import { heapPop, heapPush, heapRemove } from "./timer-heap.js";
import { active as activeBinding, NEXT, THROW, Tasklet, TaskletExit, TaskletQueue, type ResumeKind, type TimerEntry } from "./tasklet.js";
import { DeadlockError, type ErrorReporter, type HostHandler, type LongSliceReporter, type PauseOptions, type ResumeOptions, type SchedulerOptions, type SchedulerState } from "./scheduler-options.js";

/** A module-local reference (an imported binding costs a cell load and a TDZ check per use). */
const active = activeBinding;

const SLICE_SWITCHES = 2048;
const SLICE_MS = 4;
const MAX_SLICE_MS = 50;

const now = (): number => performance.now();
const opNext = Op.prototype.next;

interface Waiter<T> {
  resolve(value: T): void;
  reject(error: unknown): void;
}

interface Transient {
  onError: ErrorReporter | undefined;
  host: HostHandler | undefined;
  ioTimeout: number;
  /** The coarse clock's cell, or STILL_CLOCK. */
  clock: Int32Array;
  maxSlice: number;
  onLongSlice: LongSliceReporter | undefined;
  /** Tasklets already reported for a long step. */
  reported: WeakSet<Tasklet>;
  slice: () => void;
  /** run()/resume() promises, settled when main ends. */
  settle: Waiter<unknown>[];
  /** pause() promises. */
  pauses: (Waiter<Scheduler> & { ioTimeout: number | undefined })[];
  /** Switch count at which the loop stops to pause (-1: at the next switch point, for a pause
   * asked from a tasklet or a host call). One compare per switch. */
  stopAt: number;
  /** Settling (waiting for io, or in the host handler): no tasklet runs. */
  quiescing: boolean;
  inSlice: boolean;
  immediate: ReturnType<typeof setImmediate> | null;
  timeout: ReturnType<typeof setTimeout> | null;
  /** Tasklets parked on io, and who waits for them all to settle. */
  io: Set<Tasklet>;
  ioDrained: (() => void) | null;
}

export class Scheduler {
  state: SchedulerState = "new";
  main: Tasklet | null = null;
  /** The tasklet in a host call while the scheduler is paused for it; it runs first on resume. */
  hostCaller: Tasklet | null = null;
  runQueue = new TaskletQueue();
  /** Binary min-heap of timers by (at, seq); `at` is on this scheduler's clock (see pausedAt). */
  timers: TimerEntry[] = [];
  timerSeq = 0;
  nextId = 1;
  /** Tasklet steps so far. */
  switches = 0;
  /** Tasklets alive. */
  live = 0;
  /** The tasklets alive, by id (main halts the rest when it ends): a plain object, data. */
  members: Record<number, Tasklet> = {};
  /** Clock reading when paused: on resume, timers move by the time spent paused (in this process
   * or another), so each keeps the remaining time it had. */
  pausedAt: number | null = null;
  result: unknown = undefined;
  error: unknown = undefined;
  declare [TRANSIENT]?: Transient;

  constructor(options: SchedulerOptions = {}) {
    this.transient(options);
  }

  /** A runnable tasklet running `fn(...args)`, at the end of the run queue. */
  spawn<A extends unknown[], R>(fn: (...args: A) => Iterator<unknown, R, unknown>, ...args: A): Tasklet<R> {
    const previous = active.spawning;
    active.spawning = this;
    try {
      return new Tasklet<R, A>(fn, ...args);
    } finally {
      active.spawning = previous;
    }
  }

  /** Runs `main(...args)` as the main tasklet (first in the queue); settles when it ends. */
  run<A extends unknown[], R>(main: (...args: A) => Iterator<unknown, R, unknown>, ...args: A): Promise<R> {
    if (this.state !== "new") throw new Error(`spickle: this scheduler has already run (it is ${this.state}); resume() continues a paused one`);
    const tasklet = this.spawn(main, ...args);
    this.runQueue.remove(tasklet);
    this.runQueue.unshift(tasklet);
    this.main = tasklet;
    this.state = "running";
    const promise = this.settled<R>();
    this.scheduleSlice();
    return promise;
  }

  /** The tasklet of this scheduler running now (null between steps). */
  get current(): Tasklet | null {
    const tasklet = active.tasklet;
    return tasklet !== null && tasklet.scheduler === this && tasklet.status === "running" ? tasklet : null;
  }

  /** Tasklets in the run queue. */
  get runnable(): number {
    return this.runQueue.size;
  }

  /**
   * Stops at the next switch point (or after `afterSwitches` switches), waits for pending io to
   * settle (running no tasklet; bounded by `ioTimeout`, then rejects naming the tasklets and
   * goes on running), and resolves with the scheduler itself, paused: a plain-data graph ready
   * for the pickler. `resume()` continues it — here or after decoding in another process.
   */
  pause(options: PauseOptions = {}): Promise<this> {
    const tr = this.transient();
    if (this.state === "paused" && !tr.quiescing) return Promise.resolve(this);
    if (this.state !== "running" && this.state !== "paused") {
      return Promise.reject(new Error(`spickle: cannot pause a scheduler that is ${this.state}`));
    }
    return new Promise<this>((resolve, reject) => {
      tr.pauses.push({ resolve: resolve as (s: Scheduler) => void, reject, ioTimeout: options.ioTimeout });
      if (tr.quiescing) return;
      const after = options.afterSwitches;
      if (after !== undefined && after > 0) tr.stopAt = Math.min(tr.stopAt, this.switches + after);
      else if (tr.inSlice) tr.stopAt = -1;
      else void this.quiesce();
    });
  }

  /** Continues a paused scheduler (this one, or one decoded from a snapshot: its hooks come from
   * `options`). Resolves like run() when the main tasklet ends. */
  resume(options: ResumeOptions = {}): Promise<unknown> {
    const tr = this.transient(options);
    if (this.state !== "paused" || tr.quiescing) {
      throw new Error(`spickle: resume() continues a paused scheduler; this one is ${tr.quiescing ? "settling" : this.state}`);
    }
    const promise = this.settled<unknown>();
    const caller = this.hostCaller;
    if (caller !== null) {
      this.hostCaller = null;
      const outcome = options.hostResult;
      if (outcome !== undefined && "error" in outcome) this.makeRunnable(caller, THROW, outcome.error, true);
      else this.makeRunnable(caller, NEXT, outcome?.value, true);
    }
    this.thaw();
    return promise;
  }

  // -------------------------------------------------------------------------------------------
  // The loop.

  private slice(): void {
    const tr = this.transient();
    tr.immediate = null;
    if (tr.timeout !== null) {
      clearTimeout(tr.timeout);
      tr.timeout = null;
    }
    if (this.state !== "running" || tr.quiescing) return;
    if (this.hostCaller !== null || this.switches >= tr.stopAt) {
      void this.quiesce();
      return;
    }
    const previous = active.tasklet;
    const queue = this.runQueue;
    const timers = this.timers;
    tr.inSlice = true;
    const started = now();
    let clock = started;
    let steps = 0;
    const clockCell = tr.clock;
    const startTick = clockCell[0]!;
    let lastTick = startTick;
    try {
      for (;;) {
        if (timers.length > 0) {
          clock = now();
          if (timers[0]!.at <= clock) this.wakeDue(clock);
        }
        const tasklet = queue.shift();
        if (tasklet === undefined) {
          this.idle();
          return;
        }
        this.step(tasklet);
        this.switches++;
        if (this.state !== "running") return;
        if (this.switches >= tr.stopAt) {
          void this.quiesce();
          return;
        }
        const tick = clockCell[0]!;
        if (tick !== lastTick) {
          // lastTick was read just before this step began: the difference is its duration.
          if (((tick - lastTick) | 0) >= tr.maxSlice) this.reportLongSlice(tasklet, (tick - lastTick) | 0);
          lastTick = tick;
          if (((tick - startTick) | 0) >= MAX_SLICE_MS) {
            this.scheduleSlice();
            return;
          }
        }
        if ((++steps & 255) === 0 || timers.length > 0) {
          if (timers.length === 0) clock = now();
          const waiting = timers.length > 0 || tr.io.size > 0;
          if (waiting ? steps >= SLICE_SWITCHES || clock - started >= SLICE_MS : clock - started >= MAX_SLICE_MS) {
            this.scheduleSlice();
            return;
          }
        }
      }
    } finally {
      tr.inSlice = false;
      active.tasklet = previous;
    }
  }

  private reportLongSlice(tasklet: Tasklet, ms: number): void {
    const tr = this.transient();
    if (tr.reported.has(tasklet)) return;
    tr.reported.add(tasklet);
    if (tr.onLongSlice !== undefined) tr.onLongSlice(tasklet, ms);
    else console.warn(`spickle: ${tasklet} ran ${ms} ms without a switch point (signals and checkpoints wait for the next one)`);
  }

  /** Resumes `tasklet` until it yields, parks or ends. */
  private step(tasklet: Tasklet): void {
    const kind = tasklet.resumeKind;
    const value = tasklet.resumeValue;
    tasklet.resumeKind = NEXT;
    tasklet.resumeValue = undefined;
    tasklet.status = "running";
    active.tasklet = tasklet;
    const gen = tasklet.gen!;
    let result: IteratorResult<unknown>;
    try {
      if (kind === NEXT) {
        // A compiled generator whose own frame waits in an op (the common case): the op finishes
        // here, as its next(value) would, and the frame continues straight from its body.
        // (Every op's `next` is Op.prototype.next: comparing it is cheaper than instanceof.)
        const frame = (gen as { [FRAME]?: Frame })[FRAME];
        if (frame !== undefined && frame.delegateNext === opNext && (frame.delegate as Op).phase === 1) {
          const settled = (frame.delegate as Op).settle(tasklet, value);
          if (settled === PARK) return; // parked again (the op set the status)
          frame!.delegate = null;
          frame!.delegateNext = undefined;
          result = resumeNext(gen, settled);
        } else result = gen.next(value);
      } else result = kind === THROW ? gen.throw!(value) : gen.return!(value);
    } catch (error) {
      this.end(tasklet, error instanceof TaskletExit ? "killed" : "failed", undefined, error);
      return;
    }
    if (result.done === true) this.end(tasklet, tasklet.killed ? "killed" : "done", result.value, undefined);
    else if (tasklet.status === "running") {
      // A bare `yield` or schedule(): to the end of the queue.
      tasklet.status = "runnable";
      this.runQueue.push(tasklet);
    }
  }

  private end(tasklet: Tasklet, status: "done" | "failed" | "killed", value: unknown, error: unknown): void {
    tasklet.status = status;
    tasklet.gen = null;
    tasklet.result = status === "done" ? value : undefined;
    tasklet.error = status === "failed" ? error : undefined;
    this.live--;
    const joined = leave(this.members, tasklet);
    const main = this.main;
    if (tasklet === main) {
      if (!haltOthers(this.members, main) && this.state === "running") this.finishMain(main);
      return;
    }
    if (status === "failed" && !joined) {
      const report = this.transient().onError;
      if (report !== undefined) report(tasklet, error);
      else console.error(`spickle: ${tasklet} failed:`, error);
    }
    if (main !== null && main.gen === null && this.state === "running" && !nonDaemonsAlive(this.members)) this.finishMain(main);
  }

  /** Main and every tasklet it had to halt have ended: the run settles as main ended. */
  private finishMain(main: Tasklet): void {
    if (main.status === "done") this.finish("done", main.result, undefined);
    else if (main.status === "failed") this.finish("failed", undefined, main.error);
    else this.finish("failed", undefined, new TaskletExit("spickle: the main tasklet was killed"));
  }

  private finish(state: "done" | "failed", result: unknown, error: unknown): void {
    const tr = this.transient();
    this.state = state;
    this.result = result;
    this.error = error;
    this.cancelWakeups();
    const settle = tr.settle.splice(0);
    const pauses = tr.pauses.splice(0);
    for (const waiter of settle) {
      if (state === "done") waiter.resolve(result);
      else waiter.reject(error);
    }
    for (const waiter of pauses) waiter.reject(new Error(`spickle: the run ended before the pause (${state})`));
  }

  /** Nothing runnable: wait for the next timer or io, or report a deadlock. */
  private idle(): void {
    const tr = this.transient();
    if (this.timers.length > 0) {
      const delay = Math.max(1, Math.ceil(this.timers[0]!.at - now()));
      tr.timeout = setTimeout(tr.slice, delay);
      return;
    }
    if (tr.io.size > 0) return;
    const main = this.main!;
    this.finish("failed", undefined, new DeadlockError(
      `spickle: deadlock: no tasklet can run and none waits on a timer or io; the main ${main} is ${describeWait(main)}`,
    ));
  }

  private scheduleSlice(): void {
    const tr = this.transient();
    if (tr.immediate === null) tr.immediate = setImmediate(tr.slice);
  }

  private cancelWakeups(): void {
    const tr = this.transient();
    if (tr.immediate !== null) clearImmediate(tr.immediate);
    if (tr.timeout !== null) clearTimeout(tr.timeout);
    tr.immediate = tr.timeout = null;
  }

  /** A parked tasklet can run again (an io settled, a kill from outside): run the loop soon. */
  private wake(): void {
    const tr = this.transient();
    if (this.state === "running" && !tr.inSlice && !tr.quiescing) {
      if (tr.timeout !== null) {
        clearTimeout(tr.timeout);
        tr.timeout = null;
      }
      this.scheduleSlice();
    }
  }

  // -------------------------------------------------------------------------------------------
  // What ops and channels call.

  /** @internal */
  insert(tasklet: Tasklet): void {
    this.live++;
    this.members[tasklet.id] = tasklet;
    this.runQueue.push(tasklet);
    if (active.tasklet === null) this.wake();
  }

  /** @internal Makes a parked tasklet runnable with an outcome (at the end of the queue, or first). */
  makeRunnable(tasklet: Tasklet, kind: ResumeKind, value: unknown, first = false): void {
    tasklet.status = "runnable";
    tasklet.resumeKind = kind;
    tasklet.resumeValue = value;
    tasklet.waitingOn = null;
    tasklet.waiting = null;
    if (first) this.runQueue.unshift(tasklet);
    else this.runQueue.push(tasklet);
  }

  /** @internal Parks `tasklet` for `ms` milliseconds. */
  addTimer(tasklet: Tasklet, ms: number): void {
    const entry: TimerEntry = { at: now() + (ms > 0 ? ms : 0), seq: this.timerSeq++, tasklet };
    tasklet.timer = entry;
    tasklet.status = "sleeping";
    heapPush(this.timers, entry);
  }

  private wakeDue(clock: number): void {
    const timers = this.timers;
    while (timers.length > 0 && timers[0]!.at <= clock) {
      const entry = heapPop(timers);
      entry.tasklet.timer = null;
      this.makeRunnable(entry.tasklet, NEXT, undefined);
    }
  }

  /** @internal Parks `tasklet` until `promise` settles. */
  watchIo(tasklet: Tasklet, promise: PromiseLike<unknown>): void {
    const tr = this.transient();
    tasklet.status = "io";
    tasklet[TRANSIENT] = promise;
    tr.io.add(tasklet);
    promise.then(
      (value) => this.settleIo(tasklet, promise, NEXT, value),
      (error) => this.settleIo(tasklet, promise, THROW, error),
    );
  }

  private settleIo(tasklet: Tasklet, promise: PromiseLike<unknown>, kind: ResumeKind, value: unknown): void {
    if (tasklet[TRANSIENT] !== promise) return; // killed meanwhile
    const tr = this.transient();
    tasklet[TRANSIENT] = undefined;
    tr.io.delete(tasklet);
    if (this.state !== "running" && this.state !== "paused") return;
    this.makeRunnable(tasklet, kind, value);
    if (tr.io.size === 0 && tr.ioDrained !== null) tr.ioDrained();
    this.wake();
  }

  /** @internal `hostCall(request)` from `tasklet`: the loop pauses after this step. */
  enterHost(tasklet: Tasklet, request: unknown): void {
    if (this.hostCaller !== null) throw new Error("spickle: a host call is already in progress");
    tasklet.status = "host";
    tasklet.waitValue = request;
    this.hostCaller = tasklet;
    this.transient().stopAt = -1;
  }

  /** @internal kill() / throw() of a tasklet that is not running: detach it from what it waits
   * on and run it now with the completion. */
  interrupt(tasklet: Tasklet, kind: ResumeKind, value: unknown): void {
    if (tasklet.status === "running") throw new Error(`spickle: ${tasklet} is running (it is interrupting this tasklet)`);
    if (tasklet.status === "host" || this.state === "paused" || this.transient().quiescing) {
      throw new Error(`spickle: cannot interrupt ${tasklet} while its scheduler is paused`);
    }
    this.detach(tasklet);
    tasklet.resumeKind = kind;
    tasklet.resumeValue = value;
    const previous = active.tasklet;
    try {
      this.step(tasklet);
    } finally {
      active.tasklet = previous;
    }
    if (previous === null) this.wake();
  }

  private detach(tasklet: Tasklet): void {
    switch (tasklet.status) {
      case "runnable":
        this.runQueue.remove(tasklet);
        break;
      case "blocked":
        (tasklet.waitingOn as { removeWaiter(t: Tasklet): void }).removeWaiter(tasklet);
        break;
      case "sleeping":
        heapRemove(this.timers, tasklet.timer!);
        tasklet.timer = null;
        break;
      case "io":
        this.transient().io.delete(tasklet);
        tasklet[TRANSIENT] = undefined;
        break;
    }
    tasklet.waitingOn = null;
    tasklet.waiting = null;
  }

  // -------------------------------------------------------------------------------------------
  // Pausing.

  /** Stops running tasklets, waits for io, then either serves the host call or completes the
   * pause requests. */
  private async quiesce(): Promise<void> {
    const tr = this.transient();
    if (tr.quiescing) return;
    tr.quiescing = true;
    tr.stopAt = Infinity;
    this.cancelWakeups();
    this.pausedAt = now();
    this.runQueue.compact();
    let failure: Error | null = null;
    if (tr.io.size > 0) {
      const limits = tr.pauses.map((p) => p.ioTimeout ?? tr.ioTimeout);
      const timeout = limits.length > 0 ? Math.min(...limits) : tr.ioTimeout;
      if (!(await this.ioSettled(timeout))) {
        const names = [...tr.io].map(String).join(", ");
        failure = new Error(`spickle: cannot checkpoint: ${names} still wait${tr.io.size > 1 ? "" : "s"} on io after ${Math.round(timeout)} ms`);
      }
    }
    this.state = "paused";
    const caller = this.hostCaller;
    if (caller !== null) {
      let kind: ResumeKind = THROW;
      let outcome: unknown = failure;
      if (failure === null) {
        const request = caller.waitValue;
        caller.waitValue = undefined;
        try {
          if (tr.host === undefined) throw new Error("spickle: hostCall() needs a scheduler with a host handler");
          outcome = await tr.host(request, caller, this);
          kind = NEXT;
        } catch (error) {
          outcome = error;
        }
      }
      this.hostCaller = null;
      this.makeRunnable(caller, kind, outcome, true);
      tr.quiescing = false;
      if (tr.pauses.length > 0) void this.quiesce();
      else this.thaw();
      return;
    }
    tr.quiescing = false;
    const pauses = tr.pauses.splice(0);
    if (failure !== null) {
      this.thaw();
      for (const waiter of pauses) waiter.reject(failure);
    } else for (const waiter of pauses) waiter.resolve(this);
  }

  private ioSettled(timeout: number): Promise<boolean> {
    const tr = this.transient();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        tr.ioDrained = null;
        resolve(false);
      }, timeout);
      tr.ioDrained = () => {
        clearTimeout(timer);
        tr.ioDrained = null;
        resolve(true);
      };
    });
  }

  /** Back to running: timers move by the time spent paused. */
  private thaw(): void {
    const shift = now() - (this.pausedAt ?? now());
    for (const entry of this.timers) entry.at += shift;
    this.pausedAt = null;
    this.state = "running";
    this.scheduleSlice();
  }

  private settled<R>(): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.transient().settle.push({ resolve: resolve as (value: unknown) => void, reject });
    });
  }

  /** The transient state, made on first use (a decoded scheduler has none). */
  private transient(options?: SchedulerOptions): Transient {
    let tr = this[TRANSIENT];
    if (tr === undefined) {
      tr = {
        onError: undefined,
        host: undefined,
        ioTimeout: 30_000,
        clock: STILL_CLOCK,
        maxSlice: 1000,
        onLongSlice: undefined,
        reported: new WeakSet(),
        slice: () => this.slice(),
        settle: [],
        pauses: [],
        stopAt: Infinity,
        quiescing: false,
        inSlice: false,
        immediate: null,
        timeout: null,
        io: new Set(),
        ioDrained: null,
      };
      Object.defineProperty(this, TRANSIENT, { value: tr, writable: true, configurable: true, enumerable: false });
    }
    if (options !== undefined) {
      if (options.onError !== undefined) tr.onError = options.onError;
      if (options.host !== undefined) tr.host = options.host;
      if (options.ioTimeout !== undefined) tr.ioTimeout = options.ioTimeout;
      if (options.coarseClock === true) tr.clock = coarseClock();
      if (options.maxSlice !== undefined) tr.maxSlice = options.maxSlice;
      if (options.onLongSlice !== undefined) tr.onLongSlice = options.onLongSlice;
    }
    return tr;
  }
}

registerDataClass(Scheduler, "Scheduler", { shared: true });
