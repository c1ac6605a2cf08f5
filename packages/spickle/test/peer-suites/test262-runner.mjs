// Runs test262 tests as strict ES modules, each in a fresh V8 realm, many per process:
//
//   node --experimental-vm-modules test262-runner.mjs <job.json>
//
// A job names the test files, the mode ("native" or "compiled") and, for compiled runs, the
// esbuild bundles of the compiler (loaded once, in this realm) and of the runtime (evaluated in
// every test's realm, so the compiled code's generator objects, prototypes and errors are that
// realm's own, as native ones are). Prints one JSON line per test: { file, pass, error? }.
//
// A realm (realm.mjs) gets what test262's hosts give it: the harness files the test includes
// (assert.js and sta.js always, doneprintHandle.js for async tests) evaluated as scripts, and
// `print`.
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import vm from "node:vm";
import { errorText, Realms } from "./realm.mjs";

// Test262 hosts ignore promise rejections nobody handles (some tests leave one behind on purpose).
process.on("unhandledRejection", () => {});

const job = JSON.parse(readFileSync(process.argv[2], "utf8"));
const { root, files } = job;
const realms = await Realms.create(job);

/** An async test that has not called $DONE after this many event-loop turns failed. */
const ASYNC_TURNS = 1000;

const harnessScripts = new Map();
function harnessScript(name) {
  let script = harnessScripts.get(name);
  if (script === undefined) {
    const path = join(root, "harness", name);
    script = new vm.Script(readFileSync(path, "utf8"), { filename: path });
    harnessScripts.set(name, script);
  }
  return script;
}

/** The test's YAML front matter, as much of it as the runner needs. */
function frontMatter(source) {
  const yaml = /\/\*---([\s\S]*?)---\*\//.exec(source)?.[1] ?? "";
  const includes = [];
  const inline = /^\s*includes:\s*\[([^\]]*)\]/m.exec(yaml);
  if (inline) includes.push(...inline[1].split(",").map((s) => s.trim()).filter(Boolean));
  const block = /^\s*includes:\s*\n((?:\s+-\s*\S+\n)+)/m.exec(yaml);
  if (block) includes.push(...block[1].split("\n").map((l) => l.replace(/^\s*-\s*/, "").trim()).filter(Boolean));
  const flags = /^\s*flags:\s*\[([^\]]*)\]/m.exec(yaml)?.[1].split(",").map((s) => s.trim()) ?? [];
  const negative = /^\s*negative:\s*\n\s*phase:\s*(\w+)\s*\n\s*type:\s*(\w+)/m.exec(yaml);
  return { includes, flags, negative: negative ? { phase: negative[1], type: negative[2] } : null };
}

function errorName(error) {
  return error !== null && typeof error === "object" ? String(error.constructor?.name ?? error.name) : typeof error;
}

async function runTest(file) {
  const path = join(root, file);
  const source = readFileSync(path, "utf8");
  const meta = frontMatter(source);
  const printed = [];
  const context = realms.context({ __print: (line) => printed.push(line) });
  vm.runInContext("globalThis.print = (...a) => __print(a.map(String).join(' '))", context);
  const includes = ["assert.js", "sta.js", ...(meta.flags.includes("async") ? ["doneprintHandle.js"] : []), ...meta.includes];
  for (const name of new Set(includes)) harnessScript(name).runInContext(context);

  let module;
  try {
    module = realms.module(context, source, path, relative(root, path));
  } catch (error) {
    if (meta.negative?.phase === "parse") {
      return errorName(error) === meta.negative.type || error?.name === meta.negative.type
        ? { pass: true } : { pass: false, error: `expected ${meta.negative.type}, got ${errorText(error)}` };
    }
    return { pass: false, error: `${realms.compiled ? "compile" : "parse"}: ${errorText(error)}` };
  }
  if (meta.negative?.phase === "parse") return { pass: false, error: `expected a ${meta.negative.type} at parse time` };
  try {
    await realms.evaluate(context, module);
  } catch (error) {
    if (meta.negative !== null && (meta.negative.phase === "runtime" || meta.negative.phase === "resolution")) {
      return errorName(error) === meta.negative.type ? { pass: true } : { pass: false, error: `expected ${meta.negative.type}, got ${errorText(error)}` };
    }
    return { pass: false, error: errorText(error) };
  }
  if (meta.negative !== null) return { pass: false, error: `expected ${meta.negative.type} (${meta.negative.phase})` };
  if (!meta.flags.includes("async")) return { pass: true };
  for (let turn = 0; turn < ASYNC_TURNS && !printed.some(isAsyncOutcome); turn++) await new Promise(setImmediate);
  const outcome = printed.find(isAsyncOutcome);
  if (outcome === undefined) return { pass: false, error: "async test never called $DONE" };
  return outcome === "Test262:AsyncTestComplete" ? { pass: true } : { pass: false, error: outcome };
}

function isAsyncOutcome(line) {
  return line.startsWith("Test262:AsyncTest");
}

for (const file of files) {
  let result;
  try {
    result = await runTest(file);
  } catch (error) {
    result = { pass: false, error: `runner: ${errorText(error)}` };
  }
  process.stdout.write(`${JSON.stringify({ file, ...result })}\n`);
}
