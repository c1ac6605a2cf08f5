// What the TypeScript options and tsc-only forms refuse, with the message a user acts on (the
// running behaviour of each form is shown by packages/spickle/test/typescript-corpus.test.ts).
import { describe, expect, test } from "vitest";
import { compile, CompileError } from "../src/index.js";

const compileTs = (source: string, filename = "m.ts", typescript = {}) => compile(source, { filename, moduleId: filename, sourceMaps: false, typescript });

describe("TypeScript forms tsc refuses in an ES module", () => {
  test("`export =` outside a .cts file is a SyntaxError that names tsc's error", () => {
    expect(() => compileTs("export = 1;\n")).toThrow(CompileError);
    expect(() => compileTs("export = 1;\n")).toThrow(/`export =` can only be used in a CommonJS module \(tsc: TS1203\).*\(m\.ts:1:1\)/);
  });

  test("`export =` in a .cts file sets module.exports, the module's default export", () => {
    const { code } = compileTs("export = { a: 1 };\n", "m.cts");
    expect(code).toContain("module.exports = {");
    expect(code).toMatch(/_default = module\.exports/);
  });

  test("a decorated class expression under legacy decorators is refused as tsc refuses it", () => {
    expect(() => compileTs("const C = @d class {};\n", "m.ts", { experimentalDecorators: true })).toThrow(/TS1206/);
  });
});

describe("options that leave code Node cannot run", () => {
  test('`jsx: "preserve"` names the option and what to use', () => {
    expect(() => compileTs("export const x = <a/>;\n", "m.tsx", { jsx: "preserve" })).toThrow('tsconfig "jsx": "preserve" leaves JSX that Node cannot run');
  });
});

describe("class fields follow useDefineForClassFields", () => {
  test("false: initialized fields are assigned after super(), type-only fields vanish", () => {
    const { code } = compileTs("class A extends B { x = 1; y: number; }\n", "m.ts", { useDefineForClassFields: false });
    expect(code).toMatch(/super\(\.\.\.args\);\s*this\.x = 1;/);
    expect(code).not.toMatch(/^\s*y;/m);
  });
  test("true: fields are defined, type-only ones too", () => {
    const { code } = compileTs("class A { x = 1; y: number; }\n", "m.ts", { useDefineForClassFields: true });
    expect(code).toMatch(/^\s*x = 1;/m);
    expect(code).toMatch(/^\s*y;/m);
  });
});
