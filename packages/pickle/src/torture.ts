// Torture mode (SPICKLE_TORTURE=1): every time a suspended compiled generator resumes, the state
// only its frame owns — its locals object, saved completions, the sent value, and the runtime's
// serializable iterators — goes through encodeGraph/decodeGraph and is written back into the same
// frame. Everything else it points at (generators, scope objects, `arguments`, user objects,
// functions, symbols) passes through as a handle, so the program's meaning is unchanged and any
// frame state that does not survive encoding shows up as a wrong result in whatever test runs.

import { dataClassName, setResumeHook, type Frame } from "@spickle/runtime";
import { decodeGraph } from "./decoder.js";
import { encodeGraph } from "./encoder.js";
import type { ObjectHandler } from "./handlers.js";

interface FramePrivate {
  l: unknown;
  v: unknown;
  arg: unknown;
  pending: unknown;
  delegate: unknown;
}

/** Stands for a value passed through by handle (only symbols need it: objects use the handler). */
class Handle {
  constructor(readonly index: number) {}
}

/** Turns torture mode on (or off with `false`). */
export function setTortureMode(on: boolean): void {
  setResumeHook(on ? roundTripFrame : null);
}

/** Whether the environment asks for torture mode. */
export function tortureRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.SPICKLE_TORTURE === "1";
}

function roundTripFrame(frame: Frame): void {
  const handles: unknown[] = [];
  const owned = new Set<object>([frame.l]);
  if (frame.pending !== null) owned.add(frame.pending);
  const handler: ObjectHandler = {
    kind: "spickle.torture.handle",
    claimsPlainObjects: true,
    claims: (value) => !owned.has(value) && dataClassName(value) === undefined && !(value instanceof Handle),
    describe: (value) => ({ create: [handles.push(value) - 1] }),
    create: ([index]) => handles[index as number] as object,
  };
  const symbolsAsHandles = (value: unknown): unknown =>
    typeof value === "symbol" ? new Handle(handles.push(value) - 1) : value;
  const state: FramePrivate = {
    l: mapValues(frame.l, symbolsAsHandles),
    v: symbolsAsHandles(frame.v),
    arg: symbolsAsHandles(frame.arg),
    pending: frame.pending === null ? null : frame.pending.map(symbolsAsHandles),
    delegate: frame.delegate,
  };
  const handleHandler: ObjectHandler<Handle> = {
    kind: "spickle.torture.symbol",
    claims: (value) => value instanceof Handle,
    describe: (value) => ({ create: [value.index] }),
    create: ([index]) => new Handle(index as number),
  };
  owned.add(state);
  owned.add(state.l as object);
  if (state.pending !== null) owned.add(state.pending as object);
  const bytes = encodeGraph(state, { handlers: [handleHandler, handler] });
  const back = decodeGraph(bytes, { handlers: [handleHandler, handler] }) as FramePrivate;
  const symbolsBack = (value: unknown): unknown => (value instanceof Handle ? handles[value.index] : value);
  frame.l = mapValues(back.l as Record<string, unknown>, symbolsBack);
  frame.v = symbolsBack(back.v);
  frame.arg = symbolsBack(back.arg);
  frame.pending = back.pending === null ? null : (back.pending as unknown[]).map(symbolsBack);
  frame.delegate = back.delegate as object | null;
}

function mapValues(record: Record<string, unknown>, map: (value: unknown) => unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(record)) out[key] = map(record[key]);
  return out;
}
