// Compiled async functions. The transform compiles `async function` into a generator body that
// yields what it awaits; a call runs that body to its first await and returns a Task: a plain-data
// promise (state, value, the body, who waits on it) whose prototype chain ends in
// Promise.prototype, so `task instanceof Promise` holds and native code adopts it as a thenable.
//
// Ordering is V8's: every continuation a native promise would run as a microtask is a job here,
// queued on the one microtask queue in the same order (`queueMicrotask` per job), so compiled and
// native continuations interleave as in the uncompiled program. Jobs wait in a data queue
// (`AsyncQueue.items`), so a task parked on another task, and a job not yet run, are data.

import { types } from "node:util";
import { registerDataClass } from "../data.js";
import { GeneratorPrototype, resumeNext, setAsyncStart } from "../generator.js";

export const PENDING = 0;
export const FULFILLED = 1;
export const REJECTED = 2;
export type TaskState = typeof PENDING | typeof FULFILLED | typeof REJECTED;

/** What a task holds that is not data, kept off the task: the native rejected promise that tells
 * Node about an unhandled rejection, and the foreign promise or thenable its body waits on. */
const unhandledOf = new WeakMap<Task, Promise<never>>();
const waitingOn = new WeakMap<Task, object>();
let foreignWaits = 0;
function waitOn(task: Task, foreign: object): void {
  if (!waitingOn.has(task)) foreignWaits++;
  waitingOn.set(task, foreign);
}

/** How many tasks wait on a foreign promise or thenable (a checkpoint waits until none does). */
export function foreignWaitCount(): number {
  return foreignWaits;
}

/** The foreign promise or thenable `task`'s body waits on (a checkpoint waits for it), if any. */
export function foreignWaitOf(task: Task): object | undefined {
  return waitingOn.get(task);
}

/** What a task's settlement runs: a task parked on it (resumed with the outcome), a `Forward`
 * (settles another task the same way), or a `NativeReaction` (`then` callbacks of other code). */
export type Reaction = Task | DataReaction | NativeReaction;

export class Task {
  state: TaskState = PENDING;
  /** Result or error once settled. */
  value: unknown = undefined;
  /** The async function's suspended body (a compiled generator); null once it has ended, and for
   * tasks no body settles (combinators). */
  body: Generator | null;
  /** Waiting on this task, in subscription order; null when none. */
  reactions: Reaction[] | null = null;
  /** Whether a rejection has (or had) a handler. */
  handled = false;

  constructor(body: Generator | null) {
    this.body = body;
  }
}
// Promise.prototype's own methods refuse a receiver without the native slots: Task.prototype
// overrides each one (below), and keeps `instanceof Promise` and the "Promise" tag.
Object.setPrototypeOf(Task.prototype, Promise.prototype);
registerDataClass(Task, "Task", { shared: true });

/** Settles `task` as its source settles. */
export class Forward {
  constructor(public task: Task) {}
  settle(state: TaskState, value: unknown): void {
    if (state === FULFILLED) fulfill(this.task, value);
    else reject(this.task, value);
  }
}

/** A data reaction of the runtime's own (a combinator's element): `settle` runs as its job. */
export interface DataReaction {
  settle(state: TaskState, value: unknown): void;
}
registerDataClass(Forward, "TaskForward");

/** `then` callbacks of code outside the compiled program and the native promise they resolve. */
export class NativeReaction {
  constructor(
    public onFulfilled: unknown,
    public onRejected: unknown,
    public resolve: (value: unknown) => void,
    public reject: (error: unknown) => void,
  ) {}
}

// ---------------------------------------------------------------------------------------------
// Jobs: the data queue, drained one job per microtask.

/** A job that calls a thenable's `then` with resolving functions for `target` (the spec's
 * NewPromiseResolveThenableJob): `target` is resumed (`resume`) or settled with the outcome. */
export class ThenableJob {
  constructor(public thenable: object, public then: Function, public target: Task, public resume: boolean) {}
}
registerDataClass(ThenableJob, "TaskThenableJob");

export class AsyncQueue {
  /** Pending jobs, three slots each: `[reaction or ThenableJob, state, value]`, from `head` on. */
  items: unknown[] = [];
  head = 0;
  /** Set when a restored queue replaces this one: its microtasks then do nothing. */
  abandoned = false;
  /** Runs the first pending job. */
  step(): void {
    if (this.abandoned) return;
    const items = this.items;
    const index = this.head;
    const job = items[index];
    const state = items[index + 1] as TaskState;
    const value = items[index + 2];
    items[index] = items[index + 2] = undefined;
    this.head = index + 3;
    if (this.head === items.length) {
      items.length = 0;
      this.head = 0;
    } else if (this.head > 3072 && this.head * 2 > items.length) {
      items.splice(0, this.head);
      this.head = 0;
    }
    runJob(job, state, value);
    if (jobHook !== null) jobHook(this);
  }
}
/** Each queue's `step`, bound (kept off the queue: not data). */
const steps = new WeakMap<AsyncQueue, () => void>();
function stepOf(queue: AsyncQueue): () => void {
  let step = steps.get(queue);
  if (step === undefined) {
    step = () => queue.step();
    steps.set(queue, step);
  }
  return step;
}
registerDataClass(AsyncQueue, "AsyncQueue", { shared: true });

let queue = new AsyncQueue();
let queueStep = stepOf(queue);
let jobHook: ((queue: AsyncQueue) => void) | null = null;

/** Installs (or, with null, removes) the function called after each job, when every compiled
 * async body is suspended (tests checkpoint there). */
export function setJobHook(hook: ((queue: AsyncQueue) => void) | null): void {
  jobHook = hook;
}

/** The queue of pending jobs (a checkpoint saves it with the tasks it references). */
export function asyncQueue(): AsyncQueue {
  return queue;
}

/** Makes a restored queue the live one: its jobs are queued again, in order; the microtasks of
 * the queue it replaces do nothing. */
export function adoptAsyncQueue(restored: AsyncQueue): void {
  if (restored === queue) return;
  queue.abandoned = true;
  queue = restored;
  queueStep = stepOf(restored);
  restored.abandoned = false;
  for (let index = restored.head; index < restored.items.length; index += 3) queueMicrotask(queueStep);
}

function enqueue(job: unknown, state: TaskState, value: unknown): void {
  queue.items.push(job, state, value);
  queueMicrotask(queueStep);
}

function runJob(job: unknown, state: TaskState, value: unknown): void {
  if (job instanceof Task) {
    step(job, state, value);
  } else if (job instanceof NativeReaction) {
    const handler = state === FULFILLED ? job.onFulfilled : job.onRejected;
    if (typeof handler !== "function") {
      if (state === FULFILLED) job.resolve(value);
      else job.reject(value);
      return;
    }
    let result: unknown;
    try {
      result = handler(value);
    } catch (error) {
      job.reject(error);
      return;
    }
    job.resolve(result);
  } else if (job instanceof SubscribeJob) {
    subscribe(job.source, job.reaction);
  } else if (!(job instanceof ThenableJob)) {
    (job as DataReaction).settle(state, value);
  } else {
    const { thenable, then, target, resume } = job as ThenableJob;
    const [resolveFn, rejectFn] = resolvingFunctions(target, resume);
    try {
      then.call(thenable, resolveFn, rejectFn);
    } catch (error) {
      rejectFn(error);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Running a body.

/** Starts a compiled async function's body: runs it to its first await, returns its task. */
export function startAsync(body: Generator): Task {
  const task = new Task(body);
  step(task, FULFILLED, undefined);
  return task;
}
setAsyncStart(startAsync);

const generatorThrow = (GeneratorPrototype as { throw(error: unknown): IteratorResult<unknown> }).throw;

/** Continues `task`'s body with the outcome of what it awaited, up to its next await or its end. */
function step(task: Task, state: TaskState, value: unknown): void {
  const body = task.body!;
  if (foreignWaits !== 0 && waitingOn.delete(task)) foreignWaits--;
  let result: IteratorResult<unknown>;
  try {
    result = state === FULFILLED ? resumeNext(body, value) : generatorThrow.call(body, value);
  } catch (error) {
    task.body = null;
    reject(task, error);
    return;
  }
  if (result.done) {
    task.body = null;
    resolveTask(task, result.value);
  } else {
    awaitValue(task, result.value);
  }
}

/** `await value` in `task`'s body: what V8 does — PromiseResolve(%Promise%, value), then a
 * reaction that resumes the body. */
function awaitValue(task: Task, value: unknown): void {
  if (typeof value !== "object" || value === null) {
    if (typeof value !== "function") {
      enqueue(task, FULFILLED, value);
      return;
    }
  }
  if (Object.getPrototypeOf(value) === Task.prototype) {
    subscribe(value as Task, task);
    return;
  }
  if (types.isPromise(value) && (value as { constructor?: unknown }).constructor === Promise) {
    // A native promise: its reaction resumes the body directly (no extra tick), as V8's does.
    waitOn(task, value as object);
    nativeThen.call(value, (result) => step(task, FULFILLED, result), (error) => step(task, REJECTED, error));
    return;
  }
  settleWith(task, value, true);
}
const nativeThen = Promise.prototype.then as (this: Promise<unknown>, f: (v: unknown) => void, r: (e: unknown) => void) => Promise<unknown>;

/** The spec's promise resolve function, for `target` (to resume it, or to settle it) resolved
 * with `value` that may be a thenable. */
function settleWith(target: Task, value: unknown, resume: boolean): void {
  let then: unknown;
  try {
    then = (value as { then?: unknown }).then;
  } catch (error) {
    if (resume) enqueue(target, REJECTED, error);
    else reject(target, error);
    return;
  }
  if (typeof then !== "function") {
    if (resume) enqueue(target, FULFILLED, value);
    else fulfill(target, value);
    return;
  }
  if (then === taskThen && value instanceof Task) {
    // Calling the task's own `then` from the job would subscribe a native reaction; subscribing a
    // Forward (or the task itself) is the same reaction as data.
    enqueue(new SubscribeJob(value, resume ? target : new Forward(target)), FULFILLED, undefined);
    return;
  }
  if (resume) waitOn(target, value as object);
  enqueue(new ThenableJob(value as object, then, target, resume), FULFILLED, undefined);
}

/** `source.then(resolve, reject)` of a job, with the reaction kept as data. */
export class SubscribeJob {
  constructor(public source: Task, public reaction: Task | Forward) {}
}
registerDataClass(SubscribeJob, "TaskSubscribeJob");

function resolvingFunctions(target: Task, resume: boolean): [(value: unknown) => void, (error: unknown) => void] {
  let done = false;
  return [
    (value) => {
      if (done) return;
      done = true;
      if (value === target && !resume) {
        reject(target, new TypeError("Chaining cycle detected for promise #<Promise>"));
        return;
      }
      if ((typeof value === "object" && value !== null) || typeof value === "function") settleWith(target, value, resume);
      else if (resume) enqueue(target, FULFILLED, value);
      else fulfill(target, value);
    },
    (error) => {
      if (done) return;
      done = true;
      if (resume) enqueue(target, REJECTED, error);
      else reject(target, error);
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Settling a task.

/** Resolves `task` with what its body returned (adopting a thenable's outcome). */
export function resolveTask(task: Task, value: unknown): void {
  if ((typeof value === "object" && value !== null) || typeof value === "function") {
    if (value === task) {
      reject(task, new TypeError("Chaining cycle detected for promise #<Promise>"));
      return;
    }
    settleWith(task, value, false);
  } else {
    fulfill(task, value);
  }
}

export function fulfill(task: Task, value: unknown): void {
  if (task.state !== PENDING) return;
  task.state = FULFILLED;
  task.value = value;
  trigger(task);
}

export function reject(task: Task, error: unknown): void {
  if (task.state !== PENDING) return;
  task.state = REJECTED;
  task.value = error;
  if (task.reactions === null && !task.handled) {
    // Node reports a rejection nobody handles by the end of this tick: a native rejected promise
    // gets exactly that treatment, and is marked handled when the task gets a handler.
    unhandledOf.set(task, Promise.reject(error));
  }
  trigger(task);
}

function trigger(task: Task): void {
  const reactions = task.reactions;
  if (reactions === null) return;
  task.reactions = null;
  task.handled = true;
  for (let index = 0; index < reactions.length; index++) enqueue(reactions[index], task.state, task.value);
}

/** Adds `reaction` to `source`: run when it settles, or now as a job if it has. */
export function subscribe(source: Task, reaction: Reaction): void {
  if (source.state === PENDING) {
    (source.reactions ??= []).push(reaction);
    source.handled = true;
    return;
  }
  if (source.state === REJECTED && !source.handled) {
    source.handled = true;
    const unhandled = unhandledOf.get(source);
    if (unhandled !== undefined) {
      unhandledOf.delete(source);
      unhandled.catch(ignore);
    }
  }
  source.handled = true;
  enqueue(reaction, source.state, source.value);
}
function ignore(): void {}

// ---------------------------------------------------------------------------------------------
// The promise surface.

function taskThen(this: unknown, onFulfilled?: unknown, onRejected?: unknown): Promise<unknown> {
  if (!(this instanceof Task)) return nativeThen.call(this as Promise<unknown>, onFulfilled as never, onRejected as never);
  let resolveFn!: (value: unknown) => void;
  let rejectFn!: (error: unknown) => void;
  const derived = new Promise((res, rej) => {
    resolveFn = res;
    rejectFn = rej;
  });
  subscribe(this, new NativeReaction(onFulfilled, onRejected, resolveFn, rejectFn));
  return derived;
}

const taskMethods = {
  then: taskThen,
  catch(this: { then(a: unknown, b: unknown): unknown }, onRejected?: unknown): unknown {
    return this.then(undefined, onRejected);
  },
  finally(this: { then(a: unknown, b: unknown): unknown }, onFinally?: unknown): unknown {
    if (typeof onFinally !== "function") return this.then(onFinally, onFinally);
    return this.then(
      (value: unknown) => Promise.resolve(onFinally()).then(() => value),
      (error: unknown) => Promise.resolve(onFinally()).then(() => {
        throw error;
      }),
    );
  },
};
for (const name of ["then", "catch", "finally"] as const) {
  Object.defineProperty(Task.prototype, name, { value: taskMethods[name], writable: true, enumerable: false, configurable: true });
}

/** Whether `value` is a compiled async function's task. */
export function isTask(value: unknown): value is Task {
  return value instanceof Task;
}
