// Copies the peer test suites spickle runs against native V8 into the repository, once:
// test262's generator and async-function tests (with the harness files they include) and
// regenerator's own generator tests, each with its licence.
//
//   node scripts/vendor-peer-suites.mjs <test262 git dir> <regenerator git dir>
//
// Both arguments are git directories (a clone's .git or a bare mirror); files are read with
// `git show`, so no work tree is needed. The commits used are recorded in SOURCES.md.
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const [test262Git, regeneratorGit] = process.argv.slice(2);
if (test262Git === undefined || regeneratorGit === undefined) {
  console.error("usage: node scripts/vendor-peer-suites.mjs <test262 git dir> <regenerator git dir>");
  process.exit(1);
}
const out = fileURLToPath(new URL("../packages/spickle/test/fixtures/peer-suites/", import.meta.url));

const git = (gitDir, ...args) => execFileSync("git", ["--git-dir", gitDir, ...args], { encoding: "utf8", maxBuffer: 1 << 28 });
const list = (gitDir, path) => git(gitDir, "ls-tree", "-r", "--name-only", "HEAD", "--", path).split("\n").filter(Boolean);
const copy = (gitDir, from, to) => {
  mkdirSync(dirname(to), { recursive: true });
  writeFileSync(to, git(gitDir, "show", `HEAD:${from}`));
};

// The directories issue #13 (generators) and issue #14 (async functions) name.
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
const ASYNC_DIRS = [
  "language/expressions/await",
  "language/statements/async-function",
  "language/expressions/async-function",
  "language/expressions/async-arrow-function",
  "language/statements/async-generator",
  "language/expressions/async-generator",
  "built-ins/AsyncGeneratorPrototype",
  "language/statements/for-await-of",
];
// Single files next to those directories: `class/gen-method*.js`, and the generator and `yield`
// tests of `object/method-definition` (not its async ones, which belong to issue #14's dirs).
const GENERATOR_FILES = (path) =>
  /^test\/language\/(statements|expressions)\/class\/gen-method[^/]*\.js$/.test(path) ||
  /^test\/language\/expressions\/object\/method-definition\/(?!async)[^/]*(gen|yield)[^/]*\.js$/.test(path);

rmSync(join(out, "test262"), { recursive: true, force: true });
rmSync(join(out, "regenerator"), { recursive: true, force: true });

const tests = [];
for (const dir of [...GENERATOR_DIRS, ...ASYNC_DIRS]) tests.push(...list(test262Git, `test/${dir}`).filter((p) => p.endsWith(".js")));
for (const dir of ["test/language/statements/class", "test/language/expressions/class", "test/language/expressions/object/method-definition"]) {
  tests.push(...git(test262Git, "ls-tree", "--name-only", "HEAD", `${dir}/`).split("\n").filter(GENERATOR_FILES));
}
const includes = new Set(["assert.js", "sta.js", "doneprintHandle.js"]);
for (const path of tests) {
  const source = git(test262Git, "show", `HEAD:${path}`);
  const target = join(out, "test262", path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, source);
  const match = /^\s*includes:\s*\[([^\]]*)\]/m.exec(source);
  const block = /^\s*includes:\s*\n((?:\s+-\s*\S+\n)+)/m.exec(source);
  for (const name of match?.[1].split(",") ?? []) if (name.trim() !== "") includes.add(name.trim());
  for (const line of block?.[1].split("\n") ?? []) if (line.trim() !== "") includes.add(line.replace(/^\s*-\s*/, "").trim());
}
for (const name of includes) copy(test262Git, `harness/${name}`, join(out, "test262", "harness", name));
copy(test262Git, "LICENSE", join(out, "test262", "LICENSE"));

for (const name of ["test/tests.es6.js", "test/shared.js", "LICENSE"]) copy(regeneratorGit, name, join(out, "regenerator", name.replace(/^test\//, "")));

const commit = (gitDir) => git(gitDir, "rev-parse", "HEAD").trim();
writeFileSync(
  join(out, "SOURCES.md"),
  `# Vendored peer suites\n\nCopied by \`scripts/vendor-peer-suites.mjs\`; unchanged.\n\n` +
    `- \`test262/\`: https://github.com/tc39/test262 at ${commit(test262Git)} (${tests.length} tests, ` +
    `${includes.size} harness files; BSD licence in \`test262/LICENSE\`)\n` +
    `- \`regenerator/\`: https://github.com/facebook/regenerator at ${commit(regeneratorGit)} ` +
    `(\`test/tests.es6.js\`, \`test/shared.js\`; MIT licence in \`regenerator/LICENSE\`)\n`,
);
console.log(`vendored ${tests.length} test262 tests, ${includes.size} harness files, regenerator's tests.es6.js`);
