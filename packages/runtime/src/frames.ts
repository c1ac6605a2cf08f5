// A generator's whole frame stack as plain data, and back. Objects the frames own (the frames,
// their locals, saved completions, serializable iterators) are copied; everything else (functions,
// `this`, user objects, closure environments, symbols) goes through the caller's `external`
// mapping, so the result can be structured-cloned, pickled, or checked as data.

import { dataClassName, dataFields, restoreData } from "./data.js";
import { emptyFrame, Frame, frameOf, frameStack, shell, type FrameStateCode, type TryEntry } from "./generator.js";

export interface FrameData {
  /** The generator object's prototype. */
  proto: unknown;
  body: unknown;
  fn: unknown;
  self: unknown;
  locals: Record<string, unknown>;
  next: number;
  prev: number;
  sent: unknown;
  state: FrameStateCode;
  method: number;
  arg: unknown;
  pending: unknown[] | null;
  tries: (number | null)[][] | null;
  delegate: unknown;
  delegateNext: unknown;
}

/** Frames of one generator: the generator's own first, its innermost delegate last. */
export interface GeneratorData {
  frames: FrameData[];
  /** Objects the frames own (serializable iterators), referenced as `{ $owned: index }`. */
  owned: { type: string; fields: Record<string, unknown> }[];
}

/** How captureGenerator records a value it does not capture by value (a handle for restoreGenerator). */
export type External = (value: object | symbol) => unknown;

export function captureGenerator(generator: object, external: External): GeneratorData {
  const frames = frameStack(generator);
  if (frames.length === 0) throw new TypeError("spickle: not a compiled generator");
  const chain = new Map<object, number>();
  let current: object | null = generator;
  for (let index = 0; current !== null; index++) {
    chain.set(current, index);
    const delegate: object | null = frames[index]!.delegate;
    current = delegate !== null && frameOf(delegate) !== undefined ? delegate : null;
  }
  const data: GeneratorData = { frames: [], owned: [] };
  const ownedIndex = new Map<object, number>();
  const value = (v: unknown): unknown => {
    if (typeof v === "symbol") return external(v);
    if ((typeof v !== "object" || v === null) && typeof v !== "function") return v;
    const object = v as object;
    const frame = chain.get(object);
    if (frame !== undefined) return { $frame: frame };
    const type = dataClassName(object);
    if (type === undefined) return external(object);
    let index = ownedIndex.get(object);
    if (index === undefined) {
      index = data.owned.length;
      ownedIndex.set(object, index);
      const entry = { type, fields: {} as Record<string, unknown> };
      data.owned.push(entry);
      entry.fields = mapRecord(dataFields(object), value);
    }
    return { $owned: index };
  };
  let index = 0;
  for (const [gen] of chain) {
    const frame = frames[index++]!;
    data.frames.push({
      proto: value(Object.getPrototypeOf(gen)),
      body: value(frame.body),
      fn: value(frame.fn),
      self: value(frame.self),
      locals: mapRecord(frame.l, value),
      next: frame.n,
      prev: frame.p,
      sent: value(frame.v),
      state: frame.state,
      method: frame.method,
      arg: value(frame.arg),
      pending: frame.pending === null ? null : frame.pending.map(value),
      tries: frame.tries === null ? null : frame.tries.map((entry) => Array.from(entry, (loc) => loc ?? null)),
      delegate: value(frame.delegate),
      delegateNext: value(frame.delegateNext),
    });
  }
  return data;
}

export function restoreGenerator(data: GeneratorData, resolve: (handle: unknown) => unknown): Generator {
  const generators: object[] = [];
  const frames: Frame[] = [];
  for (const item of data.frames) {
    // Made by the constructor, so restored frames share the hidden class of all others.
    const frame = emptyFrame();
    const proto = resolve(item.proto) as object;
    generators.push(shell(proto, frame));
    frames.push(frame);
  }
  const owned: object[] = data.owned.map((entry) => restoreData(entry.type, {}));
  const value = (v: unknown): unknown => {
    if (typeof v !== "object" || v === null) return v;
    if ("$frame" in v) return generators[(v as { $frame: number }).$frame];
    if ("$owned" in v) return owned[(v as { $owned: number }).$owned];
    return resolve(v);
  };
  data.owned.forEach((entry, index) => Object.assign(owned[index]!, mapRecord(entry.fields, value)));
  data.frames.forEach((item, index) => {
    const frame = frames[index]!;
    frame.body = value(item.body) as Frame["body"];
    frame.fn = value(item.fn) as Function;
    frame.self = value(item.self);
    frame.l = mapRecord(item.locals, value);
    frame.tries = item.tries === null ? null : item.tries.map((entry) => Array.from(entry, (loc) => loc ?? undefined) as TryEntry);
    frame.n = item.next;
    frame.p = item.prev;
    frame.v = value(item.sent);
    frame.state = item.state;
    frame.method = item.method;
    frame.arg = value(item.arg);
    frame.pending = item.pending === null ? null : item.pending.map(value);
    frame.delegate = value(item.delegate) as object | null;
    frame.delegateNext = value(item.delegateNext);
  });
  return generators[0] as Generator;
}

function mapRecord(record: Record<string, unknown>, map: (v: unknown) => unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(record)) out[key] = map(record[key]);
  return out;
}
