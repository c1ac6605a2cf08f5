// Function.prototype.toString of compiled functions and classes returns their source text as
// written, as it does natively; the generator function object model matches native.
import { runInThisContext } from "node:vm";
import { compile } from "@spickle/transform";
import { describe, expect, test } from "vitest";
import { writeAndImport } from "./support/compiled.js";

// Valid both as a script (run natively below) and as a module (compiled).
const SOURCE = `
function* gen(a, b = 1) {
  // a comment inside
  const x = yield a;
  return x + b;
}
function plain(x) { return x + 1; }
const arrow = (x) => x * 2;
const anonymousGenerator = function* () { yield 1; };
const obj = {
  method() { return 1; },
  *generatorMethod() { yield 2; },
  get accessor() { return 3; },
  async asyncMethod() {},
};
class Point {
  constructor(x) { this.x = x; }
  norm() { return Math.abs(this.x); }
  *points() { yield this.x; }
  static make(x) { return new Point(x); }
}
function counter() {
  let n = 0;
  return () => ++n;
}
const increment = counter();
async function asyncFunction() { await 1; }
const mapped = [1].map(function namedInMap(v) { return v; })[0];
const inLoop = [];
for (let i = 0; i < 2; i++) inLoop.push(function* loopGenerator() { yield i; });
const values = {
  gen, plain, arrow, anonymousGenerator, method: obj.method, generatorMethod: obj.generatorMethod,
  accessor: Object.getOwnPropertyDescriptor(obj, "accessor").get, asyncMethod: obj.asyncMethod, Point, increment,
  asyncFunction, mapped: [1].map(function namedInMap(v) { return v; }) && (function namedInMap(v) { return v; }),
  inLoop0: inLoop[0], inLoop1: inLoop[1],
  classMethod: Point.prototype.norm, classGeneratorMethod: Point.prototype.points, staticMethod: Point.make,
};
`;

type Values = Record<string, Function>;

const native = runInThisContext(`(function () {${SOURCE}\nreturn values;\n})()`) as Values;
const { code, map } = compile(`${SOURCE}\nexport { values };\n`, { filename: "source-text.js", moduleId: "test/source-text.js" });
const compiled = (await writeAndImport("source-text", "source-text", code, map)).values as Values;

describe("toString of compiled functions is their source text", () => {
  test.each(Object.keys(native).map((key) => [key] as const))("%s", (key) => {
    expect(Function.prototype.toString.call(compiled[key])).toBe(Function.prototype.toString.call(native[key]));
    expect(String(compiled[key])).toBe(String(native[key]));
  });

  test("TypeScript functions read as written, types included", async () => {
    const source = "export function* typed(a: number): Generator<number, void, unknown> {\n  yield a as number;\n}\nexport const id = <T,>(v: T): T => v;\n";
    const result = compile(source, { filename: "typed.ts", moduleId: "test/typed.ts" });
    const module = await writeAndImport("source-text", "typed", result.code, result.map);
    expect(String(module.typed)).toBe("function* typed(a: number): Generator<number, void, unknown> {\n  yield a as number;\n}");
    expect(String(module.id)).toBe("<T,>(v: T): T => v");
  });

  test("other functions keep their native text; proxies run no trap", () => {
    expect(Function.prototype.toString.call(Math.max)).toBe("function max() { [native code] }");
    expect(String(Function.prototype.toString)).toBe("function toString() { [native code] }");
    const generatorPrototype = Object.getPrototypeOf(function* () {}).prototype as Record<string, Function>;
    for (const name of ["next", "return", "throw"]) expect(String(generatorPrototype[name])).toBe(`function ${name}() { [native code] }`);
    const traps: string[] = [];
    const proxy = new Proxy(compiled.plain!, { get: (t, k) => (traps.push(String(k)), Reflect.get(t, k)), getOwnPropertyDescriptor: (t, k) => (traps.push(String(k)), Reflect.getOwnPropertyDescriptor(t, k)) });
    expect(Function.prototype.toString.call(proxy)).toBe("function () { [native code] }");
    expect(traps).toEqual([]);
    expect(() => Function.prototype.toString.call({})).toThrow(TypeError);
  });
});
