// Structured concurrency over tasklets (Effection's rules, as data):
// - `yield* tasklet.join()`: waits for a tasklet to end; its result, or its error thrown (a killed
//   tasklet's join throws TaskletExit).
// - `yield* all([a, b])`: every result, in order; the first failure is thrown and the tasklets
//   still running are killed. `yield* race([a, b])`: the first to end decides (its result or its
//   error), the others are killed.
// - `yield* select(ch.receive(), ch2.send(v), t.join())`: waits until one case can proceed, runs
//   only that one and says which (`{ index, value, done }`; `done` is true for a receive on a
//   closed, drained channel). Cases ready at once: the first in order.
// - When the main tasklet ends, every other tasklet still alive is killed (its finally blocks run,
//   even ones that switch) and the run settles once they have ended; a tasklet with
//   `daemon = true` is left where it is instead.
// A tasklet waiting in any of these is parked on the op, which is plain data: the tasklets it
// waits for list it among their `joiners`, channels hold it in their queues.

import { registerDataClass } from "../data.js";
import type { Channel } from "./channel.js";
import { ReceiveOp, SendOp } from "./channel.js";
import { Op, PARK } from "./ops.js";
import { NEXT, THROW, Tasklet, TaskletExit } from "./tasklet.js";

/** What a tasklet waits on when it waits for other tasklets to end, or on several channels. */
export interface Waiting {
  /** `target`, which the waiter listed itself with, has ended. */
  ended(target: Tasklet): void;
  /** The waiter is killed or interrupted: forget it everywhere. */
  removeWaiter(waiter: Tasklet): void;
}

/** How an ended tasklet reads to someone waiting for it. */
function outcomeOf(target: Tasklet): { kind: typeof NEXT | typeof THROW; value: unknown } {
  if (target.status === "done") return { kind: NEXT, value: target.result };
  if (target.status === "failed") return { kind: THROW, value: target.error };
  return { kind: THROW, value: new TaskletExit(`spickle: ${target} was killed`) };
}

function park(waiter: Tasklet, on: Waiting, how: string): typeof PARK {
  waiter.status = "blocked";
  waiter.waitingOn = on;
  waiter.waiting = how;
  return PARK;
}

function listen(target: Tasklet, waiter: Tasklet): void {
  (target.joiners ??= []).push(waiter);
}

function unlisten(target: Tasklet, waiter: Tasklet): void {
  const joiners = target.joiners;
  if (joiners === null) return;
  const index = joiners.indexOf(waiter);
  if (index >= 0) joiners.splice(index, 1);
  if (joiners.length === 0) target.joiners = null;
}

/** Kills the tasklets of `targets` still alive (not the one running: it is ending anyway). */
function killAlive(targets: Tasklet[]): void {
  for (const target of targets) if (target.alive && target.status !== "running") target.kill();
}

/** `yield* tasklet.join()`. */
export class JoinOp<R = unknown> extends Op<R> implements Waiting {
  declare target: Tasklet<R>;
  declare waiter: Tasklet | null;

  constructor(target: Tasklet<R>) {
    super();
    this.target = target;
    this.waiter = null;
  }

  protected start(tasklet: Tasklet): R | typeof PARK {
    if (this.target === tasklet) throw new Error(`spickle: ${tasklet} joins itself`);
    if (!this.target.alive) return deliver(outcomeOf(this.target)) as R;
    this.waiter = tasklet;
    listen(this.target, tasklet);
    return park(tasklet, this, "join");
  }

  ended(target: Tasklet): void {
    const waiter = this.waiter!;
    this.waiter = null;
    const { kind, value } = outcomeOf(target);
    waiter.scheduler.makeRunnable(waiter, kind, value);
  }

  removeWaiter(waiter: Tasklet): void {
    unlisten(this.target, waiter);
    this.waiter = null;
  }
}

function deliver(outcome: { kind: number; value: unknown }): unknown {
  if (outcome.kind === THROW) throw outcome.value;
  return outcome.value;
}

/** `yield* all(tasklets)` and `yield* race(tasklets)`. */
export class GroupOp<R = unknown> extends Op<R> implements Waiting {
  declare targets: Tasklet[];
  declare race: boolean;
  declare waiter: Tasklet | null;

  constructor(targets: Tasklet[], race: boolean) {
    super();
    this.targets = [...targets];
    this.race = race;
    this.waiter = null;
  }

  protected start(tasklet: Tasklet): R | typeof PARK {
    if (this.targets.includes(tasklet)) throw new Error(`spickle: ${tasklet} waits for itself`);
    const decided = this.decision();
    if (decided !== null) return this.finish(decided) as R;
    this.waiter = tasklet;
    for (const target of this.targets) if (target.alive) listen(target, tasklet);
    return park(tasklet, this, this.race ? "race" : "all");
  }

  /** The outcome once known: a failure or a race's first end, or every result; else null. */
  private decision(): { kind: typeof NEXT | typeof THROW; value: unknown } | null {
    if (this.race && this.targets.length === 0) throw new Error("spickle: race() of no tasklets would never end");
    for (const target of this.targets) {
      if (target.alive) continue;
      const outcome = outcomeOf(target);
      if (this.race || outcome.kind === THROW) return outcome;
    }
    if (this.race || this.targets.some((t) => t.alive)) return null;
    return { kind: NEXT, value: this.targets.map((t) => t.result) };
  }

  private finish(outcome: { kind: typeof NEXT | typeof THROW; value: unknown }): unknown {
    killAlive(this.targets);
    return deliver(outcome);
  }

  ended(_target: Tasklet): void {
    const decided = this.decision();
    if (decided === null) return;
    const waiter = this.waiter!;
    this.removeWaiter(waiter);
    waiter.scheduler.makeRunnable(waiter, decided.kind, decided.value);
    killAlive(this.targets);
  }

  removeWaiter(waiter: Tasklet): void {
    for (const target of this.targets) unlisten(target, waiter);
    this.waiter = null;
  }
}

/** A case of select(): a channel's send or receive op, or a join. */
export type SelectCase = SendOp<any> | ReceiveOp<any> | JoinOp<any>;

export interface Selected {
  /** Which case proceeded (its position in the arguments). */
  index: number;
  /** What it received, or the joined tasklet's result (undefined for a send). */
  value: unknown;
  /** A receive found the channel closed and drained. */
  done: boolean;
}

/** `yield* select(...cases)`. */
export class SelectOp extends Op<Selected> implements Waiting {
  /** Per case: "send" | "receive" | "join", its channel or tasklet, and the value a send offers. */
  declare kinds: string[];
  declare targets: (Channel | Tasklet)[];
  declare values: unknown[];
  declare waiter: Tasklet | null;

  constructor(cases: SelectCase[]) {
    super();
    this.kinds = [];
    this.targets = [];
    this.values = [];
    this.waiter = null;
    for (const c of cases) {
      if (c instanceof JoinOp) this.add("join", c.target, undefined);
      else if (c instanceof SendOp) this.add("send", c.channel, c.value);
      else if (c instanceof ReceiveOp && c.mode !== "next") this.add("receive", c.channel, undefined);
      else throw new TypeError("spickle: select() takes ch.send(v), ch.receive() and tasklet.join() cases");
      if (c.phase !== 0) throw new Error("spickle: a select() case was already used");
      c.phase = 2; // the case object itself never runs
    }
    const channels = this.targets.filter((t, i) => this.kinds[i] !== "join");
    if (new Set(channels).size !== channels.length) throw new Error("spickle: select() names a channel twice");
  }

  private add(kind: string, target: Channel | Tasklet | null, value: unknown): void {
    if (target === null) throw new Error("spickle: a select() case was already used");
    this.kinds.push(kind);
    this.targets.push(target);
    this.values.push(value);
  }

  protected start(tasklet: Tasklet): Selected | typeof PARK {
    if (this.kinds.length === 0) throw new Error("spickle: select() of no cases would never end");
    for (let i = 0; i < this.kinds.length; i++) {
      const kind = this.kinds[i]!;
      const target = this.targets[i]!;
      if (kind === "join") {
        if (!(target as Tasklet).alive) return { index: i, value: deliver(outcomeOf(target as Tasklet)), done: false };
      } else if (kind === "send") {
        if ((target as Channel).readyToSend()) {
          (target as Channel).offer(tasklet, this.values[i]);
          return { index: i, value: undefined, done: false };
        }
      } else if ((target as Channel).readyToReceive()) {
        const result = (target as Channel).take(tasklet, "next") as IteratorResult<unknown>;
        return { index: i, value: result.value, done: result.done === true };
      }
    }
    this.waiter = tasklet;
    for (let i = 0; i < this.kinds.length; i++) {
      const kind = this.kinds[i]!;
      if (kind === "join") listen(this.targets[i] as Tasklet, tasklet);
      else (this.targets[i] as Channel).enqueue(tasklet, kind === "send");
    }
    return park(tasklet, this, "select");
  }

  /** A channel of a case took the waiter from its queue: that case proceeds. Returns the value a
   * send case offers. */
  fire(channel: Channel, received: IteratorResult<unknown> | undefined): unknown {
    const index = this.targets.indexOf(channel);
    const waiter = this.waiter!;
    this.waiter = null;
    this.forget(waiter, index);
    const result: Selected = { index, value: received?.value, done: received?.done === true };
    waiter.scheduler.makeRunnable(waiter, NEXT, result);
    return this.values[index];
  }

  ended(target: Tasklet): void {
    const index = this.targets.indexOf(target);
    const waiter = this.waiter!;
    this.waiter = null;
    this.forget(waiter, -1);
    const outcome = outcomeOf(target);
    if (outcome.kind === THROW) waiter.scheduler.makeRunnable(waiter, THROW, outcome.value);
    else waiter.scheduler.makeRunnable(waiter, NEXT, { index, value: outcome.value, done: false } satisfies Selected);
  }

  removeWaiter(waiter: Tasklet): void {
    this.forget(waiter, -1);
    this.waiter = null;
  }

  /** Takes the waiter out of every case but `except` (whose channel already dequeued it). */
  private forget(waiter: Tasklet, except: number): void {
    for (let i = 0; i < this.kinds.length; i++) {
      if (i === except) continue;
      if (this.kinds[i] === "join") unlisten(this.targets[i] as Tasklet, waiter);
      else (this.targets[i] as Channel).removeWaiter(waiter);
    }
  }
}

/** Every result of `tasklets`, in order; the first failure is thrown and the rest are killed. */
export function all<const T extends readonly Tasklet<any, any>[]>(tasklets: T): GroupOp<{ -readonly [K in keyof T]: ResultOf<T[K]> }> {
  return new GroupOp(tasklets as unknown as Tasklet[], false);
}

/** The result (or error) of the first of `tasklets` to end; the others are killed. */
export function race<const T extends readonly Tasklet<any, any>[]>(tasklets: T): GroupOp<ResultOf<T[number]>> {
  return new GroupOp(tasklets as unknown as Tasklet[], true);
}

/** Waits until one of the cases can proceed and runs only that one. */
export function select(...cases: SelectCase[]): SelectOp {
  return new SelectOp(cases);
}

/** What a tasklet returns. */
export type ResultOf<T> = T extends Tasklet<infer R, any> ? R : never;

/** @internal The scheduler calls this when `tasklet` ends: it leaves the scheduler's members and
 * its joiners learn of it. Returns whether any tasklet was waiting for it. */
export function leave(members: Record<number, Tasklet>, tasklet: Tasklet): boolean {
  delete members[tasklet.id];
  const joiners = tasklet.joiners;
  if (joiners === null) return false;
  tasklet.joiners = null;
  for (const waiter of joiners) (waiter.waitingOn as Waiting).ended(tasklet);
  return true;
}

/** @internal Main has ended: kills every other tasklet still alive that is not a daemon.
 * Returns whether some are still alive (they switched in a finally block). */
export function haltOthers(members: Record<number, Tasklet>, main: Tasklet): boolean {
  for (const tasklet of Object.values(members)) {
    if (tasklet !== main && !tasklet.daemon && tasklet.alive && tasklet.status !== "running") tasklet.kill();
  }
  return nonDaemonsAlive(members);
}

/** @internal Whether a tasklet that is no daemon is still alive. */
export function nonDaemonsAlive(members: Record<number, Tasklet>): boolean {
  for (const id in members) if (!members[id]!.daemon) return true;
  return false;
}

/** @internal What a tasklet waits on, in words (deadlock reports). */
export function describeWait(tasklet: Tasklet): string {
  switch (tasklet.waiting) {
    case "send":
      return "blocked sending on a channel";
    case "receive":
    case "next":
      return "blocked receiving on a channel";
    case "acquire":
      return "waiting for a lock";
    case "join":
    case "all":
    case "race":
      return "waiting for tasklets to end";
    case "select":
      return "waiting in select()";
  }
  return tasklet.status;
}

// `join()` is a method of every tasklet, installed here: tasklet.ts cannot import the ops (they
// import it).
declare module "./tasklet.js" {
  interface Tasklet<R, A> {
    /** `const r = yield* t.join()`: waits for the tasklet to end; its result, or its error thrown
     * (TaskletExit if it was killed). */
    join(): JoinOp<R>;
  }
}
Tasklet.prototype.join = function join<R>(this: Tasklet<R>): JoinOp<R> {
  return new JoinOp<R>(this);
};

registerDataClass(JoinOp, "JoinOp");
registerDataClass(GroupOp, "GroupOp");
registerDataClass(SelectOp, "SelectOp");
