// Small things compiled code needs around functions: names, constructibility, and what compiled
// generator methods need from their class or object literal: the method function
// (captured once the class exists) and `super` lookups from the home object.

import { mark } from "./generator.js";

/** Marks the generator method `key` of `owner` (a prototype, a class or an object literal). */
export function markMethod(owner: object, key: PropertyKey, kind?: number): Function {
  const descriptor = Object.getOwnPropertyDescriptor(owner, key);
  if (descriptor === undefined || typeof descriptor.value !== "function") {
    throw new TypeError(`spickle: generator method ${String(key)} not found on its class`);
  }
  return mark(descriptor.value, undefined, kind);
}

/** `super[key]` in a method whose home object is `home`. */
export function superGet(home: object, key: PropertyKey, receiver: unknown): unknown {
  const proto = Object.getPrototypeOf(home);
  return proto === null ? undefined : Reflect.get(proto, key, receiver);
}

/** `super[key] = value`; the expression's value is `value`. */
export function superSet(home: object, key: PropertyKey, value: unknown, receiver: unknown): unknown {
  const proto = Object.getPrototypeOf(home);
  const ok = proto === null ? false : Reflect.set(proto, key, value, receiver);
  if (!ok) throw new TypeError(`Cannot assign to property ${String(key)} through super`);
  return value;
}

/** Gives an anonymous function or class the name its declaration would have given it. */
export function named<T>(value: T, name: string): T {
  Object.defineProperty(value, "name", { value: name, configurable: true });
  return value;
}

/** What `new` on a generator function does. */
export function notConstructor(fn: Function): never {
  throw new TypeError(`${fn.name} is not a constructor`);
}
