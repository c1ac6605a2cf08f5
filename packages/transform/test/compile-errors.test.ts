import { describe, expect, test } from "vitest";
import { compile, CompileError } from "@spickle/transform";

function compileError(source: string): CompileError {
  try {
    compile(source, { filename: "src/app.ts", moduleId: "src/app.ts" });
  } catch (error) {
    expect(error).toBeInstanceOf(CompileError);
    expect(error).toBeInstanceOf(SyntaxError);
    expect((error as Error).name).toBe("SyntaxError");
    return error as CompileError;
  }
  throw new Error("expected a compile error");
}

describe("compile errors name the file, the position and show the code", () => {
  test("a syntax error", () => {
    const error = compileError("const ok = 1;\nfunction* g() {\n  yield (;\n}\n");
    expect(error.filename).toBe("src/app.ts");
    expect(error.line).toBe(3);
    expect(error.column).toBeGreaterThan(1);
    expect(error.message.split("\n")[0]).toMatch(/^Unexpected token \(src\/app\.ts:3:\d+\)$/);
    expect(String(error).split("\n")[0]).toBe(`SyntaxError: Unexpected token (src/app.ts:3:${error.column})`);
    expect(error.loc).toEqual({ line: 3, column: error.column - 1 });
    expect(error.message).toContain("> 3 |   yield (;");
    expect(error.codeFrame).toContain("> 3 |   yield (;");
  });

  test("a TypeScript syntax error", () => {
    const error = compileError("let x: number = ;\n");
    expect(error.line).toBe(1);
    expect(error.codeFrame).toContain("> 1 | let x: number = ;");
  });

  test("an unsupported construct inside a generator", () => {
    const error = compileError("class A { *m() {\n  super.count++;\n  yield 1;\n} }\n");
    expect(error.line).toBe(2);
    expect(error.reason).toMatch(/super\.x\+\+/);
    expect(error.codeFrame).toContain("super.count++");
  });
});

test("a module without generators compiles to plain ESM plus its module record", () => {
  const { code, map } = compile("export const answer: number = 42;\n", { filename: "a.ts", moduleId: "a.ts" });
  // a top-level const nothing assigns is a let, so a resume can give it the snapshot's value
  expect(code).toContain("export let answer = 42;");
  // Every compiled module registers its record (an exporter's bindings may be needed by the
  // functions of modules that import it), and nothing else of the runtime.
  expect(code).toContain("_rt.registerModule(");
  expect(code).not.toContain("registerSites");
  expect(code).not.toContain("_rt.gen(");
  expect(map?.sources).toEqual(["a.ts"]);
});

test("the source map points compiled generator code at the original lines", () => {
  const source = "export function* g(n: number) {\n  const doubled = n * 2;\n  yield doubled;\n}\n";
  const { code, map } = compile(source, { filename: "g.ts", moduleId: "g.ts" });
  expect(code).toContain("_rt.gen(");
  expect(map!.mappings.length).toBeGreaterThan(0);
  expect(map!.sourcesContent).toEqual([source]);
});
