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
