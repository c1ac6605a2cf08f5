// test262's generator and async-function tests (vendored in test/fixtures/peer-suites/test262),
// run as strict ES modules natively and compiled by spickle: compiled must pass every test V8
// passes natively. With SPICKLE_TORTURE=1 the compiled run is in torture mode.
import { tortureRequested } from "@spickle/pickle";
import { beforeAll, describe, expect, it } from "vitest";
import { buildPeerBundles, type PeerBundles } from "./bundles.js";
import { runTest262, testsUnder, type TestResult } from "./run-suite.js";

/** Issue #13's generator directories (plus the single files GENERATOR_FILES adds). */
const GENERATOR_DIRS = [
  "language/statements/generators",
  "language/expressions/generators",
  "language/expressions/yield",
  "built-ins/GeneratorPrototype",
  "language/statements/class/gen-method",
  "language/statements/class/gen-method-static",
  "language/expressions/class/gen-method",
  "language/expressions/class/gen-method-static",
];
const GENERATOR_FILES = (file: string) =>
  /^test\/language\/(statements|expressions)\/class\/gen-method[^/]*\.js$/.test(file) ||
  /^test\/language\/expressions\/object\/method-definition\/(?!async)[^/]*(gen|yield)[^/]*\.js$/.test(file);

/** Issue #14's async directories: always run natively (the harness's async half). */
export const ASYNC_DIRS = [
  "language/expressions/await",
  "language/statements/async-function",
  "language/expressions/async-function",
  "language/expressions/async-arrow-function",
  "language/statements/async-generator",
  "language/expressions/async-generator",
  "built-ins/AsyncGeneratorPrototype",
  "language/statements/for-await-of",
];

/** The async directories whose compiled run is checked against native. Empty until async
 * functions compile to frames (issue #14); then list ASYNC_DIRS here (or some of them). */
export const COMPILED_ASYNC_DIRS: string[] = [];

/** Tests V8 passes natively that spickle's compiled code does not pass yet, each with why.
 * Every other natively passing test must pass compiled. */
const STRICT_OWN_NAME = "assigning to a named generator expression's own name in strict code must throw a TypeError (issue #13)";
const KNOWN_COMPILED_FAILURES: Record<string, string> = {
  "test/language/expressions/generators/named-strict-error-reassign-fn-name-in-body.js": STRICT_OWN_NAME,
  "test/language/expressions/generators/named-strict-error-reassign-fn-name-in-body-in-arrow.js": STRICT_OWN_NAME,
  "test/language/expressions/generators/named-strict-error-reassign-fn-name-in-body-in-eval.js": STRICT_OWN_NAME,
  "test/language/expressions/generators/scope-name-var-open-strict.js": STRICT_OWN_NAME,
};

/** Tests that pass compiled but not in torture mode, each with why. */
const ARRAY_ITERATOR = "the test replaces Array.prototype[Symbol.iterator]; torture mode's frame encoder iterates arrays through it (issue #13 follow-up)";
const KNOWN_TORTURE_FAILURES: Record<string, string> = {
  "test/language/statements/generators/dstr/ary-ptrn-elem-id-iter-val-array-prototype.js": ARRAY_ITERATOR,
  "test/language/statements/generators/dstr/dflt-ary-ptrn-elem-id-iter-val-array-prototype.js": ARRAY_ITERATOR,
  "test/language/expressions/generators/dstr/ary-ptrn-elem-id-iter-val-array-prototype.js": ARRAY_ITERATOR,
  "test/language/expressions/generators/dstr/dflt-ary-ptrn-elem-id-iter-val-array-prototype.js": ARRAY_ITERATOR,
};

const torture = tortureRequested();
const known = torture ? { ...KNOWN_COMPILED_FAILURES, ...KNOWN_TORTURE_FAILURES } : KNOWN_COMPILED_FAILURES;
const generatorTests = [
  ...GENERATOR_DIRS.flatMap(testsUnder),
  ...["language/statements/class", "language/expressions/class", "language/expressions/object/method-definition"]
    .flatMap(testsUnder).filter(GENERATOR_FILES),
].filter((file, i, all) => all.indexOf(file) === i);
const asyncTests = ASYNC_DIRS.flatMap(testsUnder);
const compiledAsyncTests = COMPILED_ASYNC_DIRS.flatMap(testsUnder);

let native: Map<string, TestResult>;
let compiled: Map<string, TestResult>;

function regressions(files: string[]): string[] {
  return files
    .filter((file) => native.get(file)!.pass && !compiled.get(file)!.pass && !(file in known))
    .map((file) => `${file}: ${compiled.get(file)!.error}`);
}

describe(`test262 generators and async functions${torture ? " (torture)" : ""}`, () => {
  beforeAll(async () => {
    const bundles: PeerBundles = await buildPeerBundles(torture);
    [native, compiled] = await Promise.all([
      runTest262([...generatorTests, ...asyncTests], "native"),
      runTest262([...generatorTests, ...compiledAsyncTests], "compiled", bundles),
    ]);
  }, 900_000);

  it("runs the vendored suites natively (the harness works, async tests included)", () => {
    const passed = (files: string[]) => files.filter((file) => native.get(file)!.pass).length;
    // Test262 expects sloppy-mode and realm ($262) support these modules lack; the rest passes.
    expect(passed(generatorTests)).toBeGreaterThan(generatorTests.length * 0.9);
    expect(passed(asyncTests)).toBeGreaterThan(asyncTests.length * 0.95);
    for (const dir of ASYNC_DIRS) {
      const files = testsUnder(dir);
      expect(passed(files), dir).toBeGreaterThan(files.length * 0.7);
    }
  });

  it("compiled generators pass every test V8 passes natively", () => {
    expect(regressions(generatorTests)).toEqual([]);
  });

  it("compiled async functions pass every test V8 passes natively (COMPILED_ASYNC_DIRS)", () => {
    expect(regressions(compiledAsyncTests)).toEqual([]);
  });
});
