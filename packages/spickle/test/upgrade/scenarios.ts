// Upgrade scenarios (issue 16): a program checkpointed, its source edited, then `spickle diff` and
// `spickle resume --upgrade`, each with the output a user sees (./expected.ts). Every program
// stops right after a checkpoint it writes (`stop`), so a run or a resume ends at its next one.
//
// Kinds: (a) a bug fix in a function not on any stack; (b) an edit to a function suspended at the
// checkpoint; (c) a new class field, filled by an upgrade hook; (d) a renamed module variable,
// migrated by a hook; (e) a changed closure whose captured variables no longer fit: refused by
// name; (f) the edges around them.

export interface Scenario {
  name: string;
  /** The program's files at the checkpoint (main.ts is run). */
  files: Record<string, string>;
  /** The files after the edit (null: deleted). */
  edits: Record<string, string | null>;
  /** Resume without --upgrade (nothing changes from the checkpoint's code). */
  plain?: boolean;
}

const HEAD = `import { type CheckpointSupport } from "spickle";
function* stop(cp: CheckpointSupport) {
  const point = yield* cp.checkpoint();
  if (!point.resumed) process.exit(0);
}
`;
const prog = (body: string) => HEAD + body;
export const scenarios: Scenario[] = [];
const add = (name: string, files: Record<string, string>, edits: Record<string, string | null>, extra: { plain?: boolean } = {}) =>
  scenarios.push({ name, files, edits, ...extra });
/** `files[file]` with each [from, to] replaced once (a typo in a scenario fails loudly). */
const edit = (files: Record<string, string>, file: string, pairs: [string, string][]) => {
  let text = files[file]!;
  for (const [a, b] of pairs) {
    if (!text.includes(a)) throw new Error(`edit of ${file}: ${a} not found`);
    text = text.replace(a, b);
  }
  return text;
};

// ---- (a) a bug fix in a function not on any stack
{
  const f = { "main.ts": prog(`
function price(n: number): number {
  return n * 10 + 1; // bug: the +1
}
export default function* main(cp: CheckpointSupport) {
  for (let i = 1; i <= 3; i++) {
    console.log(\`item \${i} costs \${price(i)}\`);
    yield* stop(cp);
  }
}
`) };
  add("a1 helper bug fix: new calls use the fix", f, { "main.ts": edit(f, "main.ts", [["return n * 10 + 1; // bug: the +1", "return n * 10;"]]) });
}
{
  const f = {
    "lib.ts": `export function label(n: number): string {\n  return "#" + (n - 1);\n}\n`,
    "main.ts": prog(`import { label } from "./lib.ts";
export default function* main(cp: CheckpointSupport) {
  for (let i = 1; i <= 3; i++) {
    console.log(\`got \${label(i)}\`);
    yield* stop(cp);
  }
}
`),
  };
  add("a2 fix in an imported module", f, { "lib.ts": edit(f, "lib.ts", [["(n - 1)", "n"]]) });
}
{
  const f = { "main.ts": prog(`
const double = (n: number) => n * 3;
export default function* main(cp: CheckpointSupport) {
  for (let i = 1; i <= 3; i++) {
    console.log(\`double \${i} = \${double(i)}\`);
    yield* stop(cp);
  }
}
`) };
  add("a3 fix in a module-level arrow held in a const", f, { "main.ts": edit(f, "main.ts", [["n * 3", "n * 2"]]) });
}
{
  const f = { "main.ts": prog(`
class Greeter {
  constructor(public name: string) {}
  greet(): string {
    return "helo " + this.name;
  }
}
const greeter = new Greeter("ada");
export default function* main(cp: CheckpointSupport) {
  for (let i = 1; i <= 3; i++) {
    console.log(greeter.greet());
    yield* stop(cp);
  }
}
`) };
  add("a4 fix in a method of a class with an instance in module state", f, { "main.ts": edit(f, "main.ts", [['"helo "', '"hello "']]) });
}
{
  const f = { "main.ts": prog(`
function area(w: number, h: number): number { return w * h; }
export default function* main(cp: CheckpointSupport) {
  for (let i = 1; i <= 2; i++) {
    console.log(\`area \${area(i, 2)}\`);
    yield* stop(cp);
  }
}
`) };
  add("a5 reformatting and comments change no function", f, { "main.ts": edit(f, "main.ts", [
    ["function area(w: number, h: number): number { return w * h; }", "// the area of a rectangle\nfunction area(w: number, h: number): number {\n  return (w * h) // width times height\n}"],
  ]) });
}
{
  const f = { "main.ts": prog(`
function twice(n: number): number { return n * 2; }
export default function* main(cp: CheckpointSupport) {
  for (let i = 1; i <= 2; i++) {
    console.log(\`twice \${twice(i)}\`);
    yield* stop(cp);
  }
}
`) };
  add("a6 a function added elsewhere is reported as added; nothing else moves", f, { "main.ts": edit(f, "main.ts", [
    ["function twice", "export function thrice(n: number): number { return n * 3; }\nfunction twice"],
  ]) });
}
{
  const f = { "main.ts": prog(`
function makeFormatter(prefix: string) {
  return (n: number) => prefix + ":" + (n + 1);
}
let format = makeFormatter("n");
export default function* main(cp: CheckpointSupport) {
  for (let i = 1; i <= 3; i++) {
    console.log(format(i));
    yield* stop(cp);
  }
}
`) };
  add("a7 a closure in module state, fixed: captured variables fit, so it is re-bound", f, { "main.ts": edit(f, "main.ts", [['prefix + ":" + (n + 1)', 'prefix + "=" + n']]) });
}
{
  const f = { "main.ts": prog(`
function unused(): number { return 1; }
function show(n: number): string { return "n" + n; }
export default function* main(cp: CheckpointSupport) {
  for (let i = 1; i <= 2; i++) {
    console.log(show(i));
    yield* stop(cp);
  }
}
`) };
  add("a8 a function removed that nothing holds", f, { "main.ts": edit(f, "main.ts", [["function unused(): number { return 1; }\n", ""]]) });
}
{
  const f = { "main.ts": prog(`
export default function* main(cp: CheckpointSupport) {
  const values = [3, 1, 2];
  for (let i = 1; i <= 2; i++) {
    console.log(values.map((v) => v * i).join(","));
    yield* stop(cp);
  }
}
`) };
  add("a9 an arrow inside the suspended function changes: the frame finishes on its old code", f, { "main.ts": edit(f, "main.ts", [["v * i", "v + i"]]) });
}
// ---- (b) an edit to a function suspended at the checkpoint
{
  const f = { "main.ts": prog(`
function* step(cp: CheckpointSupport, i: number) {
  console.log(\`step \${i} begins (v1)\`);
  yield* stop(cp);
  console.log(\`step \${i} ends (v1)\`);
}
export default function* main(cp: CheckpointSupport) {
  for (let i = 1; i <= 3; i++) yield* step(cp, i);
}
`) };
  add("b1 suspended step edited: its frame finishes on the old code, the next call uses the new", f, { "main.ts": f["main.ts"].replaceAll("(v1)", "(v2)") });
}
{
  const f = { "main.ts": prog(`
function rate(): number { return 2; }
export default function* main(cp: CheckpointSupport) {
  for (let i = 1; i <= 3; i++) {
    console.log(\`v1 loop \${i}: \${i * rate()}\`);
    yield* stop(cp);
  }
}
`) };
  add("b2 the main function itself edited: it runs its old loop to the end, new helpers reach it", f, { "main.ts": edit(f, "main.ts", [["v1 loop", "v2 loop"], ["return 2;", "return 3;"]]) });
}
{
  const f = { "main.ts": prog(`
function* inner(cp: CheckpointSupport, i: number) {
  yield* stop(cp);
  return i * 10;
}
function* middle(cp: CheckpointSupport, i: number) {
  const v = yield* inner(cp, i);
  console.log(\`middle got \${v}\`);
}
export default function* main(cp: CheckpointSupport) {
  for (let i = 1; i <= 2; i++) yield* middle(cp, i);
}
`) };
  add("b3 innermost of three suspended frames edited", f, { "main.ts": edit(f, "main.ts", [["return i * 10;", "return i * 100;"]]) });
}
{
  const f = { "main.ts": prog(`
function* work(cp: CheckpointSupport, i: number) {
  console.log(\`work \${i} part 1\`);
  yield* stop(cp);
  console.log(\`work \${i} part 2\`);
}
export default function* main(cp: CheckpointSupport) {
  for (let i = 1; i <= 2; i++) yield* work(cp, i);
}
`) };
  add("b4 a suspension point added to the suspended function (its frame layout changes)", f, { "main.ts": edit(f, "main.ts", [
    ["console.log(`work ${i} part 2`);", "console.log(`work ${i} part 2`);\n  yield* stop(cp);\n  console.log(`work ${i} part 3`);"],
  ]) });
}
{
  const f = { "main.ts": prog(`import { Tasklet, schedule } from "spickle";
function* worker(name: string) {
  for (let round = 1; round <= 2; round++) {
    console.log(\`\${name} round \${round} (v1)\`);
    yield* schedule();
  }
}
export default function* main(cp: CheckpointSupport) {
  const a = new Tasklet(worker, "a");
  const b = new Tasklet(worker, "b");
  yield* schedule();
  yield* stop(cp);
  while (a.alive || b.alive) yield* schedule();
  console.log("main done");
}
`) };
  add("b5 two tasklets suspended in the edited function", f, { "main.ts": f["main.ts"].replace("(v1)", "(v2)") });
}
{
  const f = { "main.ts": prog(`
function* legacy(cp: CheckpointSupport) {
  console.log("legacy starts");
  yield* stop(cp);
  console.log("legacy ends");
}
function* modern(cp: CheckpointSupport) {
  console.log("modern runs");
}
export default function* main(cp: CheckpointSupport) {
  yield* legacy(cp);
  yield* modern(cp);
}
`) };
  add("b6 a suspended function removed from the source keeps its old code", f, { "main.ts": edit(f, "main.ts", [
    ['function* legacy(cp: CheckpointSupport) {\n  console.log("legacy starts");\n  yield* stop(cp);\n  console.log("legacy ends");\n}\n', ""],
    ["  yield* legacy(cp);\n", ""],
  ]) });
}
{
  const f = { "main.ts": prog(`
export default function* main(cp: CheckpointSupport) {
  const tick = function* (i: number) {
    console.log(\`tick \${i} (v1)\`);
    yield* stop(cp);
  };
  for (let i = 1; i <= 2; i++) yield* tick(i);
}
`) };
  add("b7 a generator closure suspended and edited", f, { "main.ts": f["main.ts"].replace("(v1)", "(v2)") });
}
{
  const f = { "main.ts": prog(`
function label(i: number): string { return "old-" + i; }
function* step(cp: CheckpointSupport, i: number) {
  yield* stop(cp);
  console.log(\`step \${i}: \${label(i)}\`);
}
export default function* main(cp: CheckpointSupport) {
  for (let i = 1; i <= 2; i++) yield* step(cp, i);
}
`) };
  add("b8 suspended frame unchanged, a helper it calls fixed: the frame's next call gets the fix", f, { "main.ts": edit(f, "main.ts", [['"old-"', '"new-"']]) });
}
// ---- (c) a new field on a class with instances, and an upgrade hook
{
  const f = { "main.ts": prog(`
export class Account {
  constructor(public owner: string, public balance: number) {}
  describe(): string { return \`\${this.owner}: \${this.balance}\`; }
}
export const accounts = [new Account("ada", 10), new Account("bob", 20)];
function report() {
  for (const a of accounts) console.log(a.describe());
}
export default function* main(cp: CheckpointSupport) {
  for (let i = 1; i <= 2; i++) {
    report();
    yield* stop(cp);
  }
}
`) };
  add("c1 a new field, filled by the module's upgrade hook", f, { "main.ts": edit(f, "main.ts", [
    ["constructor(public owner: string, public balance: number) {}", 'currency = "EUR";\n  constructor(public owner: string, public balance: number) {}'],
    ["return `${this.owner}: ${this.balance}`;", "return `${this.owner}: ${this.balance} ${this.currency}`;"],
    ["export default function*", 'export function upgrade(from: { module: string; changed: string[] }) {\n  for (const a of accounts) a.currency ??= "USD";\n  console.log(`upgrade hook of ${from.module}: ${from.changed.join(", ")}`);\n}\nexport default function*'],
  ]) });
  add("c2 a new field without a hook: old instances do not have it", f, { "main.ts": edit(f, "main.ts", [
    ["constructor(public owner: string, public balance: number) {}", 'currency = "EUR";\n  constructor(public owner: string, public balance: number) {}'],
    ["return `${this.owner}: ${this.balance}`;", "return `${this.owner}: ${this.balance} ${this.currency}`;"],
  ]) });
  add("c3 a field the instances have is no longer declared: refused by name", f, { "main.ts": edit(f, "main.ts", [
    ["public balance: number", "public amount: number"],
    ["${this.balance}", "${this.amount}"],
  ]) });
  add("c4 a method added: existing instances get it", f, { "main.ts": edit(f, "main.ts", [
    ["describe(): string {", "initial(): string { return this.owner[0]!.toUpperCase(); }\n  describe(): string {"],
    ["for (const a of accounts) console.log(a.describe());", "for (const a of accounts) console.log(a.describe(), a.initial());"],
  ]) });
}
{
  const f = { "main.ts": prog(`
export class Counter {
  #count = 0;
  bump(): number { return ++this.#count; }
}
const counter = new Counter();
export default function* main(cp: CheckpointSupport) {
  for (let i = 1; i <= 2; i++) {
    console.log(\`count \${counter.bump()}\`);
    yield* stop(cp);
  }
}
`) };
  add("c5 a #private field added: refused (private fields must stay as they were)", f, { "main.ts": edit(f, "main.ts", [["#count = 0;", "#count = 0;\n  #step = 1;"], ["++this.#count", "this.#count += this.#step"]]) });
  add("c6 a class method fixed, #private state kept", f, { "main.ts": edit(f, "main.ts", [["return ++this.#count;", "this.#count += 10; return this.#count;"]]) });
}
{
  const f = { "main.ts": prog(`
export class Point {
  constructor(public x: number, public y: number) {}
}
export const points = [new Point(1, 2)];
export default function* main(cp: CheckpointSupport) {
  for (let i = 1; i <= 2; i++) {
    console.log(JSON.stringify(points));
    yield* stop(cp);
  }
}
`) };
  add("c7 the hook is told what changed, what was added and removed", f, { "main.ts": edit(f, "main.ts", [
    ["constructor(public x: number, public y: number) {}", "z = 0;\n  constructor(public x: number, public y: number) {}"],
    ["export default function*", "export function norm(p: Point): number { return Math.abs(p.x) + Math.abs(p.y); }\nexport function upgrade(from: { changed: string[]; added: string[]; removed: string[] }) {\n  for (const p of points) p.z = norm(p);\n  console.log(`changed ${from.changed.join(\",\")} added ${from.added.join(\",\")} removed ${from.removed.join(\",\") || \"-\"}`);\n}\nexport default function*"],
  ]) });
}
// ---- (d) a module-level variable renamed
{
  const f = { "main.ts": prog(`
let total = 0;
function add(i: number): number {
  total += i;
  return total;
}
export default function* main(cp: CheckpointSupport) {
  for (let i = 1; i <= 3; i++) {
    console.log(\`total \${add(i)}\`);
    yield* stop(cp);
  }
}
`) };
  const renamed = edit(f, "main.ts", [["let total = 0;", "let sum = 0;"], ["total += i;\n  return total;", "sum += i;\n  return sum;"]]);
  add("d1 a variable renamed: reported, and the hook migrates it", f, { "main.ts": edit({ "main.ts": renamed }, "main.ts", [
    ["let sum = 0;", "let sum = 0;\nexport function upgrade(from: { removedBindings: Record<string, unknown> }) {\n  sum = from.removedBindings.total as number;\n}"],
  ]) });
  add("d2 a variable renamed without a hook: reported, the new one starts from its initializer", f, { "main.ts": renamed });
  add("d3 a variable kept: its value carries over into the new code", f, { "main.ts": edit(f, "main.ts", [["total += i;", "total += i * 10;"]]) });
}
{
  const f = { "main.ts": prog(`
let seen = 0;
function count(): number { return ++seen; }
export default function* main(cp: CheckpointSupport) {
  for (let i = 1; i <= 3; i++) {
    console.log(\`seen \${count()}\`);
    yield* stop(cp);
  }
}
`) };
  add("d4 a new variable is initialised by the new module's code", f, { "main.ts": edit(f, "main.ts", [
    ["let seen = 0;", "let seen = 0;\nlet limit = 2;"],
    ["return ++seen;", "return Math.min(++seen, limit);"],
  ]) });
  add("d5 the hook migrates state into a new shape", f, { "main.ts": edit(f, "main.ts", [
    ["let seen = 0;", "let stats = { seen: 0 };\nexport function upgrade(from: { removedBindings: Record<string, unknown> }) {\n  stats = { seen: from.removedBindings.seen as number };\n}"],
    ["return ++seen;", "return ++stats.seen;"],
  ]) });
  add("d6 a hook that throws stops the resume, naming its module", f, { "main.ts": edit(f, "main.ts", [
    ["let seen = 0;", "let seen = 0;\nexport function upgrade() {\n  throw new Error(\"cannot migrate\");\n}"],
  ]) });
}
// ---- (e) a changed closure whose captured variables no longer fit
{
  const f = { "main.ts": prog(`
function makeFormatter(prefix: string) {
  return (n: number) => prefix + n;
}
let format = makeFormatter("#");
export default function* main(cp: CheckpointSupport) {
  for (let i = 1; i <= 2; i++) {
    console.log(format(i));
    yield* stop(cp);
  }
}
`) };
  add("e1 a closure's captured variable renamed: refused by name", f, { "main.ts": f["main.ts"].replaceAll("prefix", "label") });
  add("e2 a closure that captures one more variable: refused by name", f, { "main.ts": edit(f, "main.ts", [
    ["function makeFormatter(prefix: string) {", "function makeFormatter(prefix: string, suffix = \"!\") {"],
    ["prefix + n;", "prefix + n + suffix;"],
  ]) });
  add("e3 after a refusal, a plain resume continues on the checkpoint's code", f, { "main.ts": f["main.ts"].replaceAll("prefix", "label") }, { plain: true });
}
{
  const f = { "main.ts": prog(`
export default function* main(cp: CheckpointSupport) {
  let base = 100;
  const offset = (n: number) => base + n;
  for (let i = 1; i <= 2; i++) {
    console.log(offset(i));
    yield* stop(cp);
  }
}
`) };
  add("e4 a closure held by a suspended frame now reads a new variable: refused by name", f, { "main.ts": edit(f, "main.ts", [
    ["let base = 100;", "let base = 100;\n  let scale = 2;"],
    ["base + n;", "base + n * scale;"],
  ]) });
}
{
  const f = { "main.ts": prog(`
function counterFrom(start: number) {
  let n = start;
  return () => ++n;
}
const next = counterFrom(10);
export default function* main(cp: CheckpointSupport) {
  for (let i = 1; i <= 2; i++) {
    console.log(\`next \${next()}\`);
    yield* stop(cp);
  }
}
`) };
  add("e5 a closure's captured counter renamed: refused, naming the variable", f, { "main.ts": edit(f, "main.ts", [["let n = start;\n  return () => ++n;", "let current = start;\n  return () => ++current;"]]) });
  add("e6 a closure fixed without touching its captures: re-bound, state kept", f, { "main.ts": edit(f, "main.ts", [["return () => ++n;", "return () => (n += 2);"]]) });
}
// ---- edges
{
  const f = { "main.ts": prog(`
function name(): string { return "v1"; }
export default function* main(cp: CheckpointSupport) {
  for (let i = 1; i <= 2; i++) {
    console.log(\`\${name()} \${i}\`);
    yield* stop(cp);
  }
}
`) };
  add("f1 without --upgrade nothing changes: the checkpoint's code runs", f, { "main.ts": edit(f, "main.ts", [['"v1"', '"v2"']]) }, { plain: true });
  add("f2 sources unchanged: diff finds nothing, the upgrade changes nothing", f, {});
}
{
  const f = {
    "lib.ts": `export function tag(): string {\n  return "lib";\n}\n`,
    "main.ts": prog(`import { tag } from "./lib.ts";
export default function* main(cp: CheckpointSupport) {
  for (let i = 1; i <= 2; i++) {
    console.log(tag());
    yield* stop(cp);
  }
}
`),
  };
  add("f3 a module deleted", f, { "lib.ts": null, "main.ts": edit(f, "main.ts", [['import { tag } from "./lib.ts";\n', 'const tag = () => "inline";\n']]) });
}
