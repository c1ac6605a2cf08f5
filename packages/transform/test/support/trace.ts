// Drives a generator through a plan and records what an observer sees, normalized so that the
// native module instance and the compiled one (different functions, classes, error classes) can be
// compared with `toStrictEqual`.

import type { GenCase } from "./case.js";

/** The plain run, or a `return(x)` / `throw(err)` injected in place of the `at`-th call. */
export type Plan = { kind: "plain" } | { kind: "return"; at: number } | { kind: "throw"; at: number };

export type Step =
  | { op: "next" | "return" | "throw"; value: unknown; done: unknown; shape?: string; log?: unknown[] }
  | { op: "next" | "return" | "throw" | "make"; threw: unknown; log?: unknown[] }
  | { op: "make"; value: undefined; log: unknown[] }
  | { op: "check"; value: unknown; log?: unknown[] }
  | { op: "check"; threw: unknown; log?: unknown[] };

export const DEFAULT_MAX_STEPS = 50;

export function planName(plan: Plan): string {
  return plan.kind === "plain" ? "plain" : `${plan.kind}@${plan.at}`;
}

/** The value `return()` is called with at step `at`. */
export function injectedReturnValue(at: number): unknown {
  return `ret@${at}`;
}

/** The error `throw()` is called with at step `at`. */
export function injectedError(at: number): Error {
  return new Error(`injected@${at}`);
}

function describeFunction(f: Function): Record<string, unknown> {
  let kind = "function";
  const proto = Object.getPrototypeOf(f);
  if (proto === Object.getPrototypeOf(function* () {})) kind = "generator function";
  else if (proto === Object.getPrototypeOf(async function () {})) kind = "async function";
  else if (/^class\b/.test(Function.prototype.toString.call(f))) kind = "class";
  return { [kind]: f.name };
}

function constructorName(o: object): string | null {
  const proto = Object.getPrototypeOf(o);
  if (proto === null) return null;
  const ctor = Object.getOwnPropertyDescriptor(proto, "constructor")?.value;
  return typeof ctor === "function" ? ctor.name : "?";
}

/** Turns an error (or any thrown value) into comparable data: constructor name and message. */
export function normalizeThrown(e: unknown): unknown {
  if (e instanceof Error) return { error: constructorName(e), message: e.message };
  return { thrownValue: normalize(e) };
}

/** Comparable form of any value: functions by name and kind, symbols by description, generator
 * objects and errors by kind, objects by their own enumerable data; cycles become back-references. */
export function normalize(value: unknown, seen: Map<object, number> = new Map(), depth = 0): unknown {
  switch (typeof value) {
    case "undefined":
    case "boolean":
    case "string":
      return value;
    case "number":
      return Object.is(value, -0) ? { number: "-0" } : value;
    case "bigint":
      return { bigint: String(value) };
    case "symbol":
      return { symbol: value.description ?? null };
    case "function":
      return describeFunction(value);
  }
  if (value === null) return null;
  const o = value as object;
  if (seen.has(o)) return { ref: seen.get(o) };
  if (depth > 8) return { tooDeep: true };
  seen.set(o, seen.size);
  if (o instanceof Error) return { error: constructorName(o), message: o.message };
  const tag = Object.prototype.toString.call(o);
  if (tag === "[object Generator]") return { generatorObject: true };
  if (Array.isArray(o)) {
    const out: unknown[] = [];
    for (let i = 0; i < o.length; i++) out.push(i in o ? normalize(o[i], seen, depth + 1) : { hole: true });
    return out;
  }
  if (o instanceof Map) return { map: [...o].map(([k, v]) => [normalize(k, seen, depth + 1), normalize(v, seen, depth + 1)]) };
  if (o instanceof Set) return { set: [...o].map((v) => normalize(v, seen, depth + 1)) };
  if (ArrayBuffer.isView(o)) return { typed: constructorName(o), values: Array.from(o as unknown as ArrayLike<number>, (x) => normalize(x)) };
  if (o instanceof RegExp) return { regexp: String(o) };
  if (o instanceof Date) return { date: o.getTime() };
  const props: Record<string, unknown> = {};
  for (const key of Object.keys(o)) {
    const d = Object.getOwnPropertyDescriptor(o, key)!;
    props[key] = "value" in d ? normalize(d.value, seen, depth + 1) : { accessor: true };
  }
  const ctor = constructorName(o);
  if (ctor === "Object") return props;
  return { object: ctor, tag, props };
}

function snapshotLog(log: unknown[] | undefined, from: number): unknown[] | undefined {
  if (!log) return undefined;
  return log.slice(from).map((entry) => normalize(entry));
}

function withLog<S extends Step>(step: S, log: unknown[] | undefined, from: number): S {
  const appended = snapshotLog(log, from);
  if (appended && appended.length > 0) step.log = appended;
  return step;
}

export interface DriveOptions {
  /** Index of the first call (for a generator that was already advanced `startAt` steps). */
  startAt?: number;
  /** Stop after this many calls in total (counting from 0), whatever happens. */
  stopAt?: number;
  /** The generator already completed (returned or threw) in the calls before `startAt`. */
  finished?: boolean;
}

/** Whether a run's steps include a completion (done, or an error thrown out of the generator). */
export function hasFinished(steps: Step[]): boolean {
  return steps.some((s) => s.op !== "make" && s.op !== "check" && ("threw" in s || ("done" in s && s.done)));
}

/**
 * Drives `gen` with `next(sends[i])` until it is done (then one more `next()` to show it stays
 * done), throws, or reaches the step limit; the plan's injection replaces the call at its index.
 */
export function drive(gen: Iterator<unknown, unknown, unknown>, gcase: GenCase, plan: Plan, options: DriveOptions = {}): Step[] {
  const sends = gcase.sends ?? [];
  const max = gcase.maxSteps ?? DEFAULT_MAX_STEPS;
  const limit = options.stopAt ?? (plan.kind === "plain" ? max : plan.at + max);
  const log = gcase.log;
  const steps: Step[] = [];
  let finished = options.finished ?? false;
  for (let i = options.startAt ?? 0; i < limit; i++) {
    const op = plan.kind !== "plain" && plan.at === i ? plan.kind : "next";
    const before = log?.length ?? 0;
    try {
      let result: IteratorResult<unknown, unknown>;
      if (op === "return") result = gen.return!(injectedReturnValue(i));
      else if (op === "throw") result = gen.throw!(injectedError(i));
      else result = gen.next(sends[i]);
      const step: Step = { op, value: normalize(result.value), done: result.done };
      const shape = typeof result === "object" && result !== null ? Object.keys(result).join(",") : typeof result;
      if (shape !== "value,done") step.shape = shape;
      steps.push(withLog(step, log, before));
      if (finished || result.done) {
        if (finished) break;
        finished = true;
      }
    } catch (e) {
      steps.push(withLog({ op, threw: normalizeThrown(e) }, log, before));
      if (finished) break;
      finished = true;
    }
  }
  return steps;
}

/** Runs a case from scratch under a plan (or runs its `check`). */
export function trace(gcase: GenCase, plan: Plan = { kind: "plain" }): Step[] {
  const log = gcase.log;
  if (log) log.length = 0;
  if (gcase.check) {
    try {
      return [withLog({ op: "check", value: normalize(gcase.check()) }, log, 0)];
    } catch (e) {
      return [withLog({ op: "check", threw: normalizeThrown(e) }, log, 0)];
    }
  }
  let gen: Iterator<unknown, unknown, unknown>;
  try {
    gen = gcase.make();
  } catch (e) {
    return [withLog({ op: "make", threw: normalizeThrown(e) }, log, 0)];
  }
  const makeLog = snapshotLog(log, 0);
  const steps = drive(gen, gcase, plan);
  if (makeLog && makeLog.length > 0) steps.unshift({ op: "make", value: undefined, log: makeLog });
  return steps;
}

/** The plans for a case: the plain run, then `return()` and `throw()` injected at every step of it. */
export function plansFor(gcase: GenCase, plainTrace: Step[]): Plan[] {
  const plans: Plan[] = [{ kind: "plain" }];
  if (gcase.check || gcase.plainOnly) return plans;
  const calls = plainTrace.filter((s) => s.op !== "make").length;
  for (let at = 0; at < calls; at++) plans.push({ kind: "return", at }, { kind: "throw", at });
  return plans;
}
