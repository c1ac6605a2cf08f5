// Runs regenerator's own generator tests (test/tests.es6.js, a mocha file written as a sloppy
// script) as strict ES modules, natively or compiled by spickle:
//
//   node --experimental-vm-modules regenerator-runner.mjs <job.json>
//
// Some of its describe blocks use sloppy-only syntax (`arguments` as a parameter name), which no
// module may contain; so each top-level describe block runs as its own module, in its own realm
// (realm.mjs), together with the file's other top-level statements (its helpers). A block that is
// not valid module code fails in both modes. Prints one JSON line per mocha test:
// { file: "<describe> > <it>", pass, error? }, and "(module <describe>)" for a block that threw.
//
// The realm gets what the suite expects from mocha and Node: describe/it/xit/xdescribe, `process`,
// a `require` for "assert" (Node's), "./shared.js" (the vendored helper, run as CommonJS in the
// realm) and "semver" (only `gte`), and regenerator-runtime's global `regeneratorRuntime`.
// `require("../lib/util")` (regenerator's compiler) is not available: the one test using it fails
// in both modes.
import assert from "node:assert";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import vm from "node:vm";
import { errorText, Realms } from "./realm.mjs";

const job = JSON.parse(readFileSync(process.argv[2], "utf8"));
const realms = await Realms.create(job);
const testFile = join(job.root, "tests.es6.js");

// The suite's first statement asserts that regenerator's own transform compiled the file (it
// looks for "regenerator" in a generator function's source text); both runs here are of the
// source as written, so that one assertion is removed before running.
const TRANSFORM_CHECK = `assert(
  function*() {}.toString().indexOf("regenerator") !== -1,
  "regenerator-transform should be enabled"
);`;
const original = readFileSync(testFile, "utf8");
if (!original.includes(TRANSFORM_CHECK)) throw new Error("regenerator runner: tests.es6.js changed; update TRANSFORM_CHECK");
const source = original.replace(TRANSFORM_CHECK, "");

/** The file's top-level statements: each starts on a line with no indentation. */
function topLevelStatements(text) {
  const statements = [];
  for (const line of text.split("\n")) {
    if (/^[^\s})\/*]/.test(line) || statements.length === 0) statements.push(line);
    else statements[statements.length - 1] += `\n${line}`;
  }
  return statements;
}
const statements = topLevelStatements(source);
const isDescribe = (statement) => /^(describe\(|\(fullCompatibility)/.test(statement);
const helpers = statements.filter((statement) => !isDescribe(statement)).join("\n");
const blocks = statements.filter(isDescribe);

const regeneratorRuntime = createRequire(import.meta.url).resolve("regenerator-runtime/runtime.js");
const regeneratorRuntimeScript = new vm.Script(readFileSync(regeneratorRuntime, "utf8"), { filename: regeneratorRuntime });
const sharedSource = readFileSync(join(job.root, "shared.js"), "utf8");

function compareVersions(a, b) {
  const [x, y] = [a, b].map((v) => v.replace(/^v/, "").split(".").map(Number));
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
}

/** Runs one describe block as a module in a new realm; returns its tests. */
async function runBlock(block) {
  const tests = [];
  const path = [];
  const mocha = {
    describe(name, body) {
      path.push(name);
      try {
        body.call({});
      } finally {
        path.pop();
      }
    },
    xdescribe() {},
    it(name, body) {
      tests.push({ title: [...path, name].join(" > "), body });
    },
    xit() {},
  };
  const context = realms.context({ ...mocha, process });
  const sharedModule = { exports: {} };
  const requireInRealm = (specifier) => {
    if (specifier === "assert") return assert;
    if (specifier === "./shared.js") return sharedModule.exports;
    if (specifier === "semver") return { gte: (a, b) => compareVersions(a, b) >= 0 };
    throw new Error(`Cannot find module '${specifier}'`);
  };
  Object.defineProperty(context, "require", { value: requireInRealm, writable: true, configurable: true });
  vm.runInContext(`(function (exports, require, module) {${sharedSource}\n})`, context)(sharedModule.exports, requireInRealm, sharedModule);
  regeneratorRuntimeScript.runInContext(context);
  const module = realms.module(context, `${helpers}\n${block}`, testFile, "tests.es6.js");
  await realms.evaluate(context, module);
  return tests;
}

const write = (result) => process.stdout.write(`${JSON.stringify(result)}\n`);
for (const block of blocks) {
  let tests;
  try {
    tests = await runBlock(block);
  } catch (error) {
    write({ file: `(module ${/"([^"]*)"/.exec(block)?.[1]})`, pass: false, error: errorText(error) });
    continue;
  }
  for (const { title, body } of tests) {
    try {
      if (body.length > 0) await new Promise((resolve, reject) => body.call({}, (error) => (error ? reject(error) : resolve())));
      else await body.call({});
      write({ file: title, pass: true });
    } catch (error) {
      write({ file: title, pass: false, error: errorText(error) });
    }
  }
}
