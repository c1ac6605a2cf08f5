// The release check: what a user gets from `npm i spickle` / `pnpm add spickle`, tried as they
// would, outside the workspace. Publishes nothing.
//
//   1. `pnpm pack` every package (workspace ranges become versions; publishConfig drops the
//      workspace-only "source" export condition) and inspect the tarballs: metadata, LICENSE,
//      a source map for every .js, no workspace: range, no dependency on msgpackr;
//   2. publint (strict) and @arethetypeswrong/cli (esm-only profile: the packages are ES modules;
//      CommonJS callers use require(esm), which step 4 runs) on each tarball;
//   3. install the tarballs with npm and with pnpm into fresh folders under os.tmpdir();
//   4. in each, with each Node given by --node (default: this one): a checkpoint/resume program
//      through `npx spickle run -c … / inspect [--html] … / resume …`, through `node --import spickle/register`, and
//      through a .cjs file that require()s spickle; and a checkpoint written on each Node resumed
//      on every other one.
//
// Usage: node scripts/release-check.mjs [--node <node executable>]... [--keep]
// Needs a build (`pnpm release-check` builds first) and the npm registry (for the packages'
// dependencies).

import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const root = fileURLToPath(new URL("..", import.meta.url));
const { values: flags } = parseArgs({ options: { node: { type: "string", multiple: true }, keep: { type: "boolean" } } });
const nodes = flags.node ?? [process.execPath];
const pnpmVersion = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).packageManager.replace(/^pnpm@/, "");
const work = mkdtempSync(join(tmpdir(), "spickle-release-"));
const tarballs = join(work, "tarballs");

function fail(message) {
  throw new Error(`release check: ${message}`);
}

/** The environment of a command run as a user runs it, with `node` on the PATH being `node`. */
function userEnv(node = process.execPath) {
  const env = { ...process.env, PATH: `${dirname(node)}${delimiter}${process.env.PATH}` };
  for (const key of Object.keys(env)) {
    // What pnpm (running this script) hands its children: not a user's environment.
    if (/^(npm|pnpm)_/i.test(key) || key === "NODE_PATH" || key === "NODE_OPTIONS" || key.startsWith("SPICKLE_")) delete env[key];
  }
  return env;
}

/** Runs a command; returns its stdout, or fails with its output when its exit code is not `status`. */
function run(command, args, { cwd, node, status = 0 } = {}) {
  const r = spawnSync(command, args, { cwd, env: userEnv(node), encoding: "utf8", timeout: 600_000 });
  if (r.error !== undefined) fail(`${command} ${args.join(" ")}: ${r.error.message}`);
  if (r.status !== status) {
    fail(`${command} ${args.join(" ")} (in ${cwd}) exited ${r.status}, expected ${status}\n${r.stdout}\n${r.stderr}`);
  }
  return r.stdout;
}

const pnpm = (args, options) => run("npx", ["-y", `pnpm@${pnpmVersion}`, ...args], options);

function step(name) {
  process.stdout.write(`release check: ${name}\n`);
}

// 1. Pack and inspect.
if (!existsSync(join(root, "packages/spickle/dist/bin.js")) || !existsSync(join(root, "packages/runtime/dist/bundle.js"))) {
  fail("build first (pnpm build)");
}
mkdirSync(tarballs);
const packages = readdirSync(join(root, "packages")).filter((d) => existsSync(join(root, "packages", d, "package.json")));
const tarballOf = new Map();
for (const dir of packages) {
  const name = JSON.parse(readFileSync(join(root, "packages", dir, "package.json"), "utf8")).name;
  const before = new Set(readdirSync(tarballs));
  pnpm(["pack", "--pack-destination", tarballs], { cwd: join(root, "packages", dir) });
  const made = readdirSync(tarballs).filter((f) => !before.has(f));
  if (made.length !== 1) fail(`pnpm pack in packages/${dir} made ${made.length} tarballs`);
  tarballOf.set(name, join(tarballs, made[0]));
}
step(`packed ${[...tarballOf.values()].map((t) => relative(tarballs, t)).join(", ")}`);

function listFiles(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath ?? e.path, e.name));
}

/** Every condition key in an exports map. */
function conditions(exports, out = new Set()) {
  if (exports !== null && typeof exports === "object") {
    for (const [key, value] of Object.entries(exports)) {
      if (!key.startsWith(".")) out.add(key);
      conditions(value, out);
    }
  }
  return out;
}

for (const [name, tarball] of tarballOf) {
  const dir = join(work, "unpacked", name);
  mkdirSync(dir, { recursive: true });
  execFileSync("tar", ["xzf", tarball, "-C", dir, "--strip-components=1"]);
  const manifestText = readFileSync(join(dir, "package.json"), "utf8");
  const manifest = JSON.parse(manifestText);
  const problems = [];
  if (manifestText.includes("workspace:")) problems.push("a workspace: range is left");
  if (manifest.license !== "MIT" || !existsSync(join(dir, "LICENSE"))) problems.push("no MIT license or LICENSE file");
  if (!manifest.engines?.node) problems.push("no engines.node");
  if (!manifest.description || !(manifest.keywords?.length > 0)) problems.push("no description or keywords");
  if (name.startsWith("@") && manifest.publishConfig?.access !== "public") problems.push("publishConfig.access is not public");
  if (conditions(manifest.exports).has("source")) problems.push('the exports keep the "source" condition');
  for (const field of ["dependencies", "peerDependencies", "optionalDependencies"]) {
    if (manifest[field]?.msgpackr !== undefined) problems.push(`msgpackr is in ${field} (its optional native addon needs a build script)`);
  }
  for (const file of listFiles(dir).filter((f) => f.endsWith(".js"))) {
    const mapUrl = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(readFileSync(file, "utf8"))?.[1];
    if (mapUrl === undefined || !existsSync(join(dirname(file), mapUrl))) problems.push(`${relative(dir, file)} has no source map`);
  }
  if (problems.length > 0) fail(`${name}:\n  ${problems.join("\n  ")}`);
}
step("tarballs: metadata, LICENSE, source maps, versions instead of workspace ranges, no source condition");

// 2. publint and arethetypeswrong.
const bin = (name) => join(root, "node_modules", ".bin", name);
for (const [name, tarball] of tarballOf) {
  run(bin("publint"), ["run", tarball, "--strict"]);
  run(bin("attw"), [tarball, "--profile", "esm-only", "--no-emoji", "--no-color"]);
  step(`${name}: publint and attw pass`);
}

// 3. Install from the tarballs, outside the workspace.
const JOB = `// Adds 1..steps, checkpointing after each; without a resume it exits (3) after the second.
import type { CheckpointSupport } from "spickle";

export default function* job(cp: CheckpointSupport, steps: string) {
  let total = 0;
  for (let i = 1; i <= Number(steps); i++) {
    total += i;
    const point = yield* cp.checkpoint();
    if (point.resumed) console.log(\`resumed at \${i} on \${process.version}\`);
    else if (i === 2) {
      console.log(\`checkpointed at \${i} on \${process.version}\`);
      process.exit(3);
    }
  }
  console.log(\`total \${total}\`);
  return total;
}
`;
const REGISTER_MAIN = `// node --import spickle/register main.ts run|resume <file>
import { resumeCheckpoint, runCheckpointable } from "spickle";
import job from "./job.ts";

const [mode, file] = process.argv.slice(2);
if (mode === "run") await runCheckpointable(job, { checkpointFile: file }, "4");
else await resumeCheckpoint(file!);
`;
const CJS_RESUME = `// A CommonJS caller: require("spickle") (require(esm), Node >= 20.19) and resume a checkpoint.
const { resumeCheckpoint, dumps, loads } = require("spickle");
const copy = loads(dumps({ list: [1, 2, 3], at: new Date(0) }));
if (copy.list.length !== 3 || copy.at.getTime() !== 0) throw new Error("dumps/loads lost data");
resumeCheckpoint(process.argv[2]).then((total) => console.log(\`cjs resumed: \${total}\`));
`;

const apps = [];
for (const manager of ["npm", "pnpm"]) {
  const app = join(work, `${manager}-app`);
  mkdirSync(app);
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: `spickle-release-check-${manager}`, private: true, type: "module" }, null, 2));
  if (manager === "npm") {
    // All five tarballs at once: spickle's dependencies on @spickle/* are met by them, not the registry.
    run("npm", ["install", "--no-audit", "--no-fund", ...tarballOf.values()], { cwd: app });
  } else {
    const overrides = [...tarballOf].map(([name, tarball]) => `  "${name}": "file:${tarball}"`).join("\n");
    writeFileSync(join(app, "pnpm-workspace.yaml"), `overrides:\n${overrides}\n`);
    pnpm(["add", `file:${tarballOf.get("spickle")}`], { cwd: app });
  }
  writeFileSync(join(app, "job.ts"), JOB);
  writeFileSync(join(app, "main.ts"), REGISTER_MAIN);
  writeFileSync(join(app, "resume.cjs"), CJS_RESUME);
  step(`installed with ${manager} in ${app}`);
  apps.push({ manager, app });
}

// 4. Run, checkpoint, resume: every way in, on every Node.
const lines = (text) => text.trim().split("\n");
function expectLines(text, expected, what) {
  if (JSON.stringify(lines(text)) !== JSON.stringify(expected)) fail(`${what}: expected\n${expected.join("\n")}\ngot\n${text}`);
}

for (const { manager, app } of apps) {
  for (const node of nodes) {
    const version = execFileSync(node, ["-p", "process.version"], { encoding: "utf8" }).trim();
    const on = { cwd: app, node };
    const where = `${manager}, node ${version}`;
    if (!run("npx", ["--no", "--", "spickle", "--version"], on).includes(`node ${version}`)) fail(`${where}: npx spickle runs another Node`);

    expectLines(run("npx", ["--no", "--", "spickle", "run", "-c", "cli.ckpt", "job.ts", "4"], { ...on, status: 3 }), [`checkpointed at 2 on ${version}`], `${where}: spickle run`);
    // What reads a snapshot without running it (@spickle/pickle/contents): inspect and its page.
    if (!run("npx", ["--no", "--", "spickle", "inspect", "cli.ckpt"], on).includes("job.ts")) fail(`${where}: spickle inspect names no job.ts`);
    run("npx", ["--no", "--", "spickle", "inspect", "--html", "cli.ckpt", "-o", "cli.html"], on);
    if (!readFileSync(join(app, "cli.html"), "utf8").startsWith("<!doctype html>")) fail(`${where}: spickle inspect --html wrote no page`);
    expectLines(run("npx", ["--no", "--", "spickle", "resume", "cli.ckpt"], on), [`resumed at 2 on ${version}`, "total 10"], `${where}: spickle resume`);

    expectLines(run(node, ["--import", "spickle/register", "main.ts", "run", "register.ckpt"], { ...on, status: 3 }), [`checkpointed at 2 on ${version}`], `${where}: --import spickle/register run`);
    expectLines(run(node, ["--import", "spickle/register", "main.ts", "resume", "register.ckpt"], on), [`resumed at 2 on ${version}`, "total 10"], `${where}: --import spickle/register resume`);

    run("npx", ["--no", "--", "spickle", "run", "-c", "cjs.ckpt", "job.ts", "4"], { ...on, status: 3 });
    expectLines(run(node, ["resume.cjs", "cjs.ckpt"], on), [`resumed at 2 on ${version}`, "total 10", "cjs resumed: 10"], `${where}: require("spickle")`);
    step(`${where}: npx spickle run/inspect/resume, node --import spickle/register, require("spickle")`);
  }
}

// A checkpoint written on one Node resumes on every other one (through the installed binary).
const { app } = apps[0];
for (const from of nodes) {
  for (const to of nodes) {
    if (from === to) continue;
    const [a, b] = [from, to].map((n) => execFileSync(n, ["-p", "process.version"], { encoding: "utf8" }).trim());
    run("npx", ["--no", "--", "spickle", "run", "-c", "across.ckpt", "job.ts", "4"], { cwd: app, node: from, status: 3 });
    expectLines(run("npx", ["--no", "--", "spickle", "resume", "across.ckpt"], { cwd: app, node: to }), [`resumed at 2 on ${b}`, "total 10"], `checkpoint on ${a}, resume on ${b}`);
    step(`checkpointed on node ${a}, resumed on node ${b}`);
  }
}

if (flags.keep) step(`kept ${work}`);
else rmSync(work, { recursive: true, force: true });
step("passed");
