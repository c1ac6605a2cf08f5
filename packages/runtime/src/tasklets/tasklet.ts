// Tasklets: lightweight coroutines (Stackless Python's model). A tasklet is a generator (normally
// a compiled one, so its frames are data) plus plain fields saying where it is: runnable, running,
// blocked on a channel or lock, sleeping, parked on io, in a host call, or finished. Everything a
// checkpoint needs is in string-keyed fields; the io promise it may wait on is TRANSIENT (a
// checkpoint first waits for it to settle).

import { registerDataClass, TRANSIENT } from "../data.js";
import type { Scheduler } from "./scheduler.js";

export type TaskletStatus =
  | "runnable" // in its scheduler's run queue (new tasklets too)
  | "running" // its step is on the JS stack
  | "blocked" // waiting on a channel or a lock (see `waiting`)
  | "sleeping" // waiting on a timer
  | "io" // waiting for a promise to settle
  | "host" // in a host call (a checkpoint): its scheduler is paused
  | "done" // returned (`result`)
  | "failed" // threw (`error`)
  | "killed"; // ended by kill()

/** How a tasklet continues at its next step: `next(value)`, `throw(value)` or `return(value)`. */
export const NEXT = 0;
export const THROW = 1;
export const RETURN = 2;
export type ResumeKind = typeof NEXT | typeof THROW | typeof RETURN;

/** A pending timer: due time on the scheduler's clock, tie-break sequence, sleeper. */
export interface TimerEntry {
  at: number;
  seq: number;
  tasklet: Tasklet;
}

/** What runs now (module state, not data): the tasklet whose step is on the JS stack, and the
 * scheduler `spawn` is creating a tasklet for. */
export const active: { tasklet: Tasklet | null; spawning: Scheduler | null } = { tasklet: null, spawning: null };

/** Raised in a tasklet that kills itself; a tasklet ending with it uncaught counts as killed. */
export class TaskletExit extends Error {
  constructor(message = "tasklet killed") {
    super(message);
    this.name = "TaskletExit";
  }
}

/** What a tasklet runs: a generator function (compiled by spickle, so its frames are data). */
export type TaskletFunction<A extends unknown[], R> = (...args: A) => Iterator<unknown, R, unknown>;

// `A` is a class type parameter so that `new Tasklet(fn, ...args)` checks the arguments against
// `fn`'s parameters (a constructor cannot have type parameters of its own).
export class Tasklet<R = unknown, A extends unknown[] = unknown[]> {
  // Fields are declared and assigned in the constructor, in this order (plain assignments: class
  // field initializers cost a call per object).
  /** Unique within its scheduler, from 1 in creation order. */
  declare id: number;
  declare name: string;
  declare scheduler: Scheduler;
  /** The tasklet's generator; null once it has ended. */
  declare gen: Iterator<unknown, R, unknown> | null;
  declare status: TaskletStatus;
  /** Return value, once done. */
  declare result: R | undefined;
  /** Uncaught error, once failed. */
  declare error: unknown;
  /** Continuation of the next step (NEXT/THROW/RETURN) and its value: what a channel delivered,
   * an io result, an error thrown into it. */
  declare resumeKind: ResumeKind;
  declare resumeValue: unknown;
  /** The Channel or Lock it is blocked on, and how: "send", "receive", "next", "acquire". */
  declare waitingOn: object | null;
  declare waiting: string | null;
  /** The value a blocked sender offers, or the request of a host call. */
  declare waitValue: unknown;
  /** Its timer while sleeping. */
  declare timer: TimerEntry | null;
  /** Set by kill(): ending then counts as killed. */
  declare killed: boolean;
  /** A daemon is left where it is when the main tasklet ends; other tasklets are killed then. */
  declare daemon: boolean;
  /** Tasklets waiting for this one to end (join, all, race, select), or null. */
  declare joiners: Tasklet[] | null;
  /** The promise it waits on while parked on io. */
  declare [TRANSIENT]?: PromiseLike<unknown>;

  /** A runnable tasklet running `fn(...args)`, appended to the run queue of the scheduler of the
   * tasklet creating it (use `scheduler.spawn` from outside any tasklet). */
  constructor(fn: TaskletFunction<A, R>, ...args: A) {
    const scheduler = active.spawning ?? active.tasklet?.scheduler;
    active.spawning = null;
    if (scheduler === undefined || scheduler === null) {
      throw new Error("spickle: new Tasklet(...) outside a running tasklet: use scheduler.spawn(fn, ...args)");
    }
    if (typeof fn !== "function") throw new TypeError("spickle: a tasklet runs a generator function");
    this.id = scheduler.nextId++;
    this.name = fn.name || `tasklet-${this.id}`;
    this.scheduler = scheduler;
    this.gen = null;
    this.status = "runnable";
    this.result = undefined;
    this.error = undefined;
    this.resumeKind = NEXT;
    this.resumeValue = undefined;
    this.waitingOn = null;
    this.waiting = null;
    this.waitValue = undefined;
    this.timer = null;
    this.killed = false;
    this.daemon = false;
    this.joiners = null;
    const gen = fn(...args);
    if (gen === null || typeof gen !== "object" || typeof gen.next !== "function") {
      throw new TypeError(`spickle: tasklet function ${this.name} did not return an iterator (is it a generator function?)`);
    }
    this.gen = gen;
    scheduler.insert(this);
  }

  /** The tasklet running now (in any scheduler), or null outside tasklets. */
  static get current(): Tasklet | null {
    return active.tasklet;
  }

  get alive(): boolean {
    return this.gen !== null;
  }

  /** Waiting on a channel, a lock, a timer, io or a host call (`status` says which). */
  get blocked(): boolean {
    const s = this.status;
    return s === "blocked" || s === "sleeping" || s === "io" || s === "host";
  }

  /** Ends the tasklet: its generator returns from where it is suspended (finally blocks run),
   * now, before kill() returns. A tasklet killing itself throws TaskletExit. No effect on a
   * tasklet that has ended. */
  kill(): void {
    if (this.gen === null) return;
    if (active.tasklet === this) throw new TaskletExit();
    this.killed = true;
    this.scheduler.interrupt(this, RETURN, undefined);
  }

  /** Throws `error` into the tasklet where it is suspended, now: it runs until it next blocks or
   * switches (or ends: uncaught, the error ends it as failed). Throwing into itself just throws. */
  throw(error: unknown): void {
    if (this.gen === null) return;
    if (active.tasklet === this) throw error;
    this.scheduler.interrupt(this, THROW, error);
  }

  toString(): string {
    return `tasklet #${this.id} (${this.name})`;
  }
}

registerDataClass(Tasklet, "Tasklet", { shared: true });

/** FIFO of tasklets as plain data: a ring buffer — `size` tasklets from `items[head]` on,
 * wrapping around; free slots hold null. A paused scheduler compacts its queues (head 0, no free
 * slots), so a snapshot shows them in order. */
export class TaskletQueue {
  items: (Tasklet | null)[] = [];
  head = 0;
  size = 0;

  push(tasklet: Tasklet): void {
    const items = this.items;
    const capacity = items.length;
    if (this.size === capacity) {
      this.grow();
      this.items[this.size++] = tasklet;
      return;
    }
    let at = this.head + this.size;
    if (at >= capacity) at -= capacity;
    items[at] = tasklet;
    this.size++;
  }

  /** Puts `tasklet` first. */
  unshift(tasklet: Tasklet): void {
    if (this.size === this.items.length) this.grow();
    this.head = this.head === 0 ? this.items.length - 1 : this.head - 1;
    this.items[this.head] = tasklet;
    this.size++;
  }

  shift(): Tasklet | undefined {
    if (this.size === 0) return undefined;
    const items = this.items;
    const head = this.head;
    const tasklet = items[head]!;
    items[head] = null;
    this.head = head + 1 === items.length ? 0 : head + 1;
    this.size--;
    return tasklet;
  }

  /** Removes `tasklet`; returns whether it was queued. */
  remove(tasklet: Tasklet): boolean {
    const queued = this.toArray();
    const index = queued.indexOf(tasklet);
    if (index < 0) return false;
    queued.splice(index, 1);
    this.reset(queued);
    return true;
  }

  /** In order from index 0, without free slots. */
  compact(): void {
    if (this.head !== 0 || this.size !== this.items.length) this.reset(this.toArray());
  }

  /** The queued tasklets, in order. */
  toArray(): Tasklet[] {
    const out: Tasklet[] = [];
    const items = this.items;
    for (let k = 0, at = this.head; k < this.size; k++, at = at + 1 === items.length ? 0 : at + 1) out.push(items[at]!);
    return out;
  }

  private grow(): void {
    const queued: (Tasklet | null)[] = this.toArray();
    const capacity = Math.max(8, 2 * queued.length);
    while (queued.length < capacity) queued.push(null);
    this.items = queued;
    this.head = 0;
  }

  private reset(queued: Tasklet[]): void {
    this.items = queued;
    this.head = 0;
    this.size = queued.length;
  }
}

registerDataClass(TaskletQueue, "TaskletQueue");
