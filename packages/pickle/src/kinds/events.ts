// EventEmitter `once` listeners. Node wraps each one in a function (a native `bound onceWrapper`
// up to Node 22, a closure named `wrapper` from Node 24), with the listener under `.listener`,
// whose state (emitter, event name) is not observable. Written as (listener); re-made as a plain wrapper that, when it fires, finds itself
// in the emitter's listener lists (the emitter is `this` when it is called), removes itself and
// calls the listener — what Node's wrapper does. `.listener` keeps `removeListener(type, listener)`
// and `listeners(type)` working; a re-made wrapper is written the same way at the next snapshot.
import { EventEmitter } from "node:events";
import type { ObjectHandler } from "../handlers.js";

type Listener = (...args: unknown[]) => unknown;
type Events = Record<string | symbol, Listener | Listener[] | undefined>;

const remade = new WeakSet<Function>();

/** Node's own symbols on emitters and their listener arrays (kCapture; from Node 24 also the
 * shape mode and the `events.emitting` count that makes a listener removed during an emit copy
 * the array instead of changing it under the loop), by name: a snapshot carries them by name so
 * they are Node's own symbols again after a resume (on a Node without one: a new symbol). */
export const NODE_EVENTS_SYMBOLS = new Map<string, symbol>();
export const NODE_EVENTS_SYMBOL_NAMES = new Map<symbol, string>();
{
  const probe = new EventEmitter();
  probe.on("probe", () => {});
  probe.on("probe", () => {});
  const listeners = (probe as unknown as { _events: Record<string, object> })._events.probe!;
  for (const s of [...Object.getOwnPropertySymbols(probe), ...Object.getOwnPropertySymbols(listeners)]) {
    const name = `node:events:${s.description ?? ""}`;
    if (NODE_EVENTS_SYMBOLS.has(name)) continue;
    NODE_EVENTS_SYMBOLS.set(name, s);
    NODE_EVENTS_SYMBOL_NAMES.set(s, name);
  }
}

/** From Node 24 a listener array counts the emits running over it; an array from a snapshot of
 * an older Node has no count, and a listener removed during an emit would then shift the array
 * under the loop (the next listener missed). Gives such arrays a count of 0. */
const emittingCount = NODE_EVENTS_SYMBOLS.get("node:events:events.emitting");

export function settleListenerArrays(emitters: readonly object[]): void {
  if (emittingCount === undefined) return;
  for (const emitter of emitters) {
    const events = (emitter as { _events?: Record<string | symbol, unknown> })._events;
    if (typeof events !== "object" || events === null) continue;
    for (const key of Reflect.ownKeys(events)) {
      const listeners = events[key];
      if (Array.isArray(listeners) && !Object.hasOwn(listeners, emittingCount)) {
        Object.defineProperty(listeners, emittingCount, { value: 0, writable: true, enumerable: true, configurable: true });
      }
    }
  }
}

/** Name and source text of this Node version's once-wrappers, from one made here. */
const nodeWrapper = (() => {
  const probe = new EventEmitter();
  probe.once("probe", () => {});
  const wrapper = probe.rawListeners("probe")[0] as Function;
  return { name: wrapper.name, source: Function.prototype.toString.call(wrapper) };
})();

function isOnceWrapper(value: object): boolean {
  if (typeof value !== "function") return false;
  if (remade.has(value)) return true;
  return value.name === nodeWrapper.name && typeof (value as { listener?: unknown }).listener === "function" &&
    Function.prototype.toString.call(value) === nodeWrapper.source;
}

function onceWrapper(listener: Listener): Listener {
  let fired = false;
  const wrapper = function (this: { _events?: Events; removeListener(type: string | symbol, l: Listener): void }, ...args: unknown[]) {
    if (fired) return undefined;
    fired = true;
    const events = this._events ?? {};
    for (const type of Reflect.ownKeys(events)) {
      const entry = events[type];
      if (entry === wrapper || (Array.isArray(entry) && entry.includes(wrapper))) {
        this.removeListener(type, wrapper);
        break;
      }
    }
    return listener.apply(this, args);
  };
  Object.defineProperty(wrapper, "listener", { value: listener, writable: true, enumerable: true, configurable: true });
  remade.add(wrapper);
  return wrapper;
}

export const onceListenerHandler: ObjectHandler<Function> = {
  kind: "node.onceListener",
  early: true,
  claims: isOnceWrapper,
  describe: (wrapper) => ({ create: [(wrapper as unknown as { listener: Listener }).listener] }),
  create: ([listener]) => onceWrapper(listener as Listener),
};
