// Restore functions of the built-in reducers for package instances (kinds/packages.ts), kept
// apart so that reducers.ts can list them without importing the encoder's side.

export const NATIVE = /\{\s*\[native code\]\s*\}\s*$/;
const IMMUTABLE_MARKER = "@@__IMMUTABLE_ITERABLE__@@";

type Constructs = new (def: unknown) => unknown;

/** `new constr(def)`, for a constructor of package code that keeps its definition (never a
 * builtin: a snapshot must not get `new Function(…)` run). */
export function restoreDefinedBy(state: [unknown, unknown]): unknown {
  const [constr, def] = Array.isArray(state) ? state : [];
  if (typeof constr !== "function" || NATIVE.test(Function.prototype.toString.call(constr)) || typeof (constr as { init?: unknown }).init !== "function") {
    throw new TypeError("spickle.definedBy: not a constructor that keeps its definition");
  }
  return new (constr as Constructs)(def);
}

/** Whether `proto` is the prototype of one of immutable's collections. */
export function isImmutableCollection(proto: object): boolean {
  return (proto as Record<string, unknown>)[IMMUTABLE_MARKER] === true && typeof (proto as { toArray?: unknown }).toArray === "function";
}

/** An immutable collection again, by its class's own factory over its entries. */
export function restoreImmutable(state: [unknown, unknown]): unknown {
  const [proto, entries] = Array.isArray(state) ? state : [];
  if (typeof proto !== "object" || proto === null || !isImmutableCollection(proto) || !Array.isArray(entries)) {
    throw new TypeError("spickle.immutable: not an immutable collection's state");
  }
  const factory = Object.getOwnPropertyDescriptor(proto, "constructor")?.value as unknown;
  if (typeof factory !== "function" || NATIVE.test(Function.prototype.toString.call(factory))) throw new TypeError("spickle.immutable: the collection has no constructor");
  return (factory as (entries: unknown[]) => unknown)(entries);
}
