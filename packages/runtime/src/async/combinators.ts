// `Promise.all`, `allSettled`, `race` and `any` as compiled code calls them (the transform
// rewrites calls of the global `Promise`'s): the spec's algorithms with %Promise% as the
// constructor, where a compiled task counts as a promise of its own. Over tasks the aggregate and
// every element's reaction are data; a foreign promise or thenable among them is subscribed as
// natively (so a checkpoint waits for it).

import { types } from "node:util";
import { registerDataClass } from "../data.js";
import { FULFILLED, PENDING, REJECTED, Task, fulfill, reject, resolveTask, subscribe, type TaskState } from "./task.js";

type Kind = "all" | "allSettled" | "any";

/** The shared state of one combinator call: its result task, the values so far, how many remain. */
export class Aggregate {
  values: unknown[] = [];
  remaining = 1;
  constructor(public target: Task, public kind: Kind) {}
}
registerDataClass(Aggregate, "TaskAggregate", { shared: true });

/** The reaction of one element: records its outcome in the aggregate. */
export class AggregateElement {
  called = false;
  constructor(public aggregate: Aggregate, public index: number) {}
  settle(state: TaskState, value: unknown): void {
    const { aggregate, index } = this;
    const { target, kind } = aggregate;
    if (kind === "all" && state === REJECTED) return reject(target, value);
    if (kind === "any" && state === FULFILLED) return fulfill(target, value);
    if (this.called) return;
    this.called = true;
    aggregate.values[index] =
      kind === "allSettled" ? (state === FULFILLED ? { status: "fulfilled", value } : { status: "rejected", reason: value }) : value;
    if (--aggregate.remaining === 0) finish(aggregate);
  }
}
registerDataClass(AggregateElement, "TaskAggregateElement");

/** Settles `task` with the first outcome (`race`). */
export class RaceElement {
  constructor(public target: Task) {}
  settle(state: TaskState, value: unknown): void {
    if (state === FULFILLED) fulfill(this.target, value);
    else reject(this.target, value);
  }
}
registerDataClass(RaceElement, "TaskRaceElement");

function finish(aggregate: Aggregate): void {
  if (aggregate.kind === "any") {
    reject(aggregate.target, new AggregateError(aggregate.values, "All promises were rejected"));
  } else {
    fulfill(aggregate.target, aggregate.values);
  }
}

/** `Promise.resolve(value)` where a compiled task is a promise: the task itself, a native promise
 * itself, or a new task. */
function promiseOf(value: unknown): Task | Promise<unknown> {
  if (value !== null && typeof value === "object") {
    if (Object.getPrototypeOf(value) === Task.prototype) return value as Task;
    if (types.isPromise(value) && (value as { constructor?: unknown }).constructor === Promise) return value as Promise<unknown>;
  }
  const task = new Task(null);
  resolveTask(task, value);
  return task;
}

const nativeThen = Promise.prototype.then;

function subscribeElement(element: Task | Promise<unknown>, reaction: AggregateElement | RaceElement): void {
  if (element instanceof Task) subscribe(element, reaction);
  else nativeThen.call(element, (value) => reaction.settle(FULFILLED, value), (error) => reaction.settle(REJECTED, error));
}

function combine(iterable: Iterable<unknown>, kind: Kind | "race"): Task {
  const target = new Task(null);
  try {
    const iterator = iterable[Symbol.iterator]();
    const aggregate = kind === "race" ? null : new Aggregate(target, kind);
    let index = 0;
    for (;;) {
      const step = iterator.next();
      if (step.done) break;
      let element: Task | Promise<unknown>;
      try {
        element = promiseOf(step.value);
      } catch (error) {
        iterator.return?.();
        throw error;
      }
      if (aggregate === null) {
        subscribeElement(element, new RaceElement(target));
      } else {
        aggregate.values.push(undefined);
        aggregate.remaining++;
        subscribeElement(element, new AggregateElement(aggregate, index));
      }
      index++;
    }
    if (aggregate !== null && --aggregate.remaining === 0) finish(aggregate);
  } catch (error) {
    if (target.state === PENDING) reject(target, error);
  }
  return target;
}

export function promiseAll(iterable: Iterable<unknown>): Promise<unknown[]> {
  return combine(iterable, "all") as unknown as Promise<unknown[]>;
}
export function promiseAllSettled(iterable: Iterable<unknown>): Promise<unknown[]> {
  return combine(iterable, "allSettled") as unknown as Promise<unknown[]>;
}
export function promiseAny(iterable: Iterable<unknown>): Promise<unknown> {
  return combine(iterable, "any") as unknown as Promise<unknown>;
}
export function promiseRace(iterable: Iterable<unknown>): Promise<unknown> {
  return combine(iterable, "race") as unknown as Promise<unknown>;
}
