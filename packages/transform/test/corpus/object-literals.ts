// Object and array literals containing yields: holes, __proto__, duplicate keys, accessors.
import type { GenCase } from "../support/case.js";

function* arrayHolesWithYield(): Generator<number, unknown, unknown> {
  // eslint-disable-next-line no-sparse-arrays
  const arr = [, (yield 1) as unknown, , (yield 2) as unknown, ,];
  return [arr.length, 0 in arr, 1 in arr, 2 in arr, arr];
}

function* protoInObjectLiteralWithYield(): Generator<string, unknown, unknown> {
  const proto = { inherited: "from proto" };
  const o = { __proto__: (yield "proto?") as object, own: yield "own?" } as { inherited?: string; own: unknown };
  const computed = { ["__proto__"]: yield "computed?" } as Record<string, unknown>;
  return [o.inherited, Object.getPrototypeOf(o) === proto || Object.getPrototypeOf(o) === Object.prototype, Object.keys(o), Object.keys(computed), proto.inherited];
}

function* duplicateKeysAndOrderWithYield(): Generator<string, unknown, unknown> {
  const o = { a: 1, [(yield "k") as string]: 2, a: 3, b: yield "b" } as Record<string, unknown>;
  return [Object.keys(o), o];
}

function* getterSetterInObjectLiteralWithYield(): Generator<string, unknown, unknown> {
  let stored: unknown = yield "initial?";
  const o = {
    label: yield "label?",
    get value() {
      return stored;
    },
    set value(v: unknown) {
      stored = v;
    },
  };
  o.value = `${String(o.label)}:${String(o.value)}`;
  return [Object.keys(o), o.value, typeof Object.getOwnPropertyDescriptor(o, "value")!.get];
}

export const cases: GenCase[] = [
  { name: "array holes around yields", make: () => arrayHolesWithYield(), sends: [0, "one", "two"] },
  { name: "__proto__ in an object literal with yields", make: () => protoInObjectLiteralWithYield(), sends: [0, { inherited: "sent proto" }, "O", "C"] },
  { name: "duplicate keys keep first position, last value", make: () => duplicateKeysAndOrderWithYield(), sends: [0, "k", "B"] },
  { name: "getter and setter in an object literal with yields", make: () => getterSetterInObjectLiteralWithYield(), sends: [0, "init", "L"] },
];
