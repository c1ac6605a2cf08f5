// Subtle evaluation order around yields: conversions (ToString, ToPropertyKey) and spreads happen
// as soon as their operand is evaluated, before later operands — a lowering that defers them shows.
import type { GenCase } from "../support/case.js";

const log: unknown[] = [];

function loud(label: string): { toString(): string; valueOf(): number } {
  return {
    toString() {
      log.push(`${label}.toString`);
      return label;
    },
    valueOf() {
      log.push(`${label}.valueOf`);
      return 1;
    },
  };
}

function* templateConvertsEachSubstitutionInOrder(): Generator<string, string, unknown> {
  return `${loud("a")}-${(yield "mid") as string}-${loud("b")}`;
}

function* computedKeyConvertedBeforeValue(): Generator<string, unknown, unknown> {
  const key = loud("key");
  const o = { [key as unknown as string]: yield "value?", after: loud("after").toString() };
  return o;
}

function* arraySpreadIsTakenBeforeLaterYields(): Generator<number, unknown, unknown> {
  const a = [1];
  return [...a, ((a.push(2), yield 0) as unknown)];
}

function* callSpreadIsTakenBeforeLaterYields(): Generator<number, unknown, unknown> {
  const a = [1];
  const f = (...args: unknown[]) => args;
  return f(...a, (a.push(2), yield 0));
}

function* objectSpreadCopiesBeforeLaterYields(): Generator<number, unknown, unknown> {
  const o: Record<string, unknown> = { x: 1 };
  return { ...o, y: ((o.x = "changed"), yield 0) };
}

function* spreadReadsGettersInOrder(): Generator<number, unknown, unknown> {
  const src = {
    get first() {
      log.push("get first");
      return 1;
    },
    get second() {
      log.push("get second");
      return 2;
    },
  };
  return { before: log.push("before"), ...src, mid: yield 0, ...src };
}

function* destructuringDefaultsInterleaveWithIteratorSteps(): Generator<string, unknown, unknown> {
  let i = 0;
  const iterable = {
    [Symbol.iterator]() {
      return {
        next() {
          log.push(`next ${i}`);
          return i < 3 ? { value: i++ === 0 ? undefined : i, done: false } : { value: undefined, done: true };
        },
        return() {
          log.push("return");
          return { value: undefined, done: true };
        },
      };
    },
  };
  const [a = (yield "a default?") as unknown, b] = iterable;
  return [a, b];
}

function* memberTagKeepsThis(): Generator<string, unknown, unknown> {
  const obj = {
    prefix: "P",
    tag(this: { prefix: string }, strings: TemplateStringsArray, ...values: unknown[]) {
      return `${this.prefix}|${strings.join("_")}|${values.join(",")}`;
    },
  };
  return obj.tag`x${yield "v1"}y${yield "v2"}z`;
}

class Secretive {
  #secret = "s";
  static has(o: unknown): boolean {
    return #secret in (o as object);
  }
  *probe(): Generator<string, unknown, unknown> {
    const other = (yield "object?") as object;
    return [#secret in other, #secret in this, Secretive.has(other)];
  }
}

function* staticBlockInsideGenerator(): Generator<string, unknown, unknown> {
  const label = yield "label?";
  class C {
    static value: string;
    static {
      log.push("static block ran");
      C.value = `static ${String(label)}`;
    }
  }
  return C.value;
}

function* deleteWithOptionalChainAndYield(): Generator<string, unknown, unknown> {
  const obj: Record<string, unknown> | null = { a: 1, b: 2 };
  const none = null as Record<string, unknown> | null;
  const r1 = delete obj?.[(yield "key?") as string];
  const r2 = delete none?.[(yield "never") as string];
  return [r1, r2, obj];
}

export const cases: GenCase[] = [
  { name: "template converts each substitution before the next one", make: () => templateConvertsEachSubstitutionInOrder(), sends: [0, "M"], log },
  { name: "computed key converted before the value's yield", make: () => computedKeyConvertedBeforeValue(), sends: [0, "V"], log },
  { name: "array spread taken before a later yield", make: () => arraySpreadIsTakenBeforeLaterYields(), sends: [0, "S"] },
  { name: "call spread taken before a later yield", make: () => callSpreadIsTakenBeforeLaterYields(), sends: [0, "S"] },
  { name: "object spread copies before a later yield", make: () => objectSpreadCopiesBeforeLaterYields(), sends: [0, "Y"] },
  { name: "object spread reads getters in order around a yield", make: () => spreadReadsGettersInOrder(), sends: [0, "M"], log },
  { name: "destructuring default yields between iterator steps", make: () => destructuringDefaultsInterleaveWithIteratorSteps(), sends: [0, "A"], log },
  { name: "member tag keeps this", make: () => memberTagKeepsThis(), sends: [0, 1, 2] },
  { name: "#private in with a yielded object", make: () => new Secretive().probe(), sends: [0, new Secretive()] },
  { name: "#private in with a foreign object", make: () => new Secretive().probe(), sends: [0, {}] },
  { name: "static block of a class declared in a generator", make: () => staticBlockInsideGenerator(), sends: [0, "L"], log },
  { name: "delete with optional chain and yield", make: () => deleteWithOptionalChainAndYield(), sends: [0, "a"] },
];
