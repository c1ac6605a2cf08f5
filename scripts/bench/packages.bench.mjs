// The reverse export index of npm packages (packages/pickle/src/package-index.ts), in a program
// that loaded 50 packages (25 ES modules, 25 CommonJS, 40 exports each): each run is a fresh
// process that imports the program, then
// - builds the package index (target <= 20 ms), after writing a `node:` function (so the
//   reference table and the builtin index exist), then writes one package function twice;
// - writes a 10k-node plain tree: against the same write in a process that loaded no package
//   (the index is never built for a program that holds no package value: checked).
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { median } from "./stats.mjs";

const QUICK = Boolean(process.env.BENCH_QUICK) || process.argv.includes("--quick");
const RUNS = QUICK ? 4 : 10;
const PACKAGES = 50;
const EXPORTS = 40;
const pickle = pathToFileURL(fileURLToPath(new URL("../../packages/pickle/dist/index.js", import.meta.url))).href;
const packageIndex = pathToFileURL(fileURLToPath(new URL("../../packages/pickle/dist/package-index.js", import.meta.url))).href;
const transform = pathToFileURL(fileURLToPath(new URL("../../packages/transform/dist/index.js", import.meta.url))).href;
const runtimeDir = fileURLToPath(new URL("../../packages/runtime", import.meta.url));

function makeProject(withPackages) {
  const dir = mkdtempSync(join(tmpdir(), "spickle-bench-pkgs-"));
  mkdirSync(join(dir, "node_modules", "@spickle"), { recursive: true });
  execFileSync("ln", ["-s", runtimeDir, join(dir, "node_modules", "@spickle", "runtime")]);
  writeFileSync(join(dir, "package.json"), '{ "type": "module" }');
  const imports = [];
  for (let p = 0; withPackages && p < PACKAGES; p++) {
    const name = `bench-pkg-${p}`;
    const root = join(dir, "node_modules", name);
    mkdirSync(root);
    const esm = p % 2 === 0;
    const fns = Array.from({ length: EXPORTS }, (_, i) => `f${i}`);
    writeFileSync(join(root, "package.json"), JSON.stringify({ name, ...(esm ? { type: "module", exports: "./index.js" } : { main: "index.js" }) }));
    writeFileSync(join(root, "index.js"), esm
      ? `${fns.map((f) => `export function ${f}(x) { return x + ${p}; }`).join("\n")}\nexport class Thing { constructor(v) { this.v = v; } }\n`
      : `${fns.map((f) => `exports.${f} = function ${f}(x) { return x + ${p}; };`).join("\n")}\nexports.Thing = class Thing { constructor(v) { this.v = v; } };\n`);
    imports.push(`import * as p${p} from "${name}";`);
  }
  const source = `${imports.join("\n")}\nexport const pick = ${withPackages ? `() => p${PACKAGES - 1}.f${EXPORTS - 1}` : "() => null"};\n`;
  return import(transform).then(({ compile }) => {
    writeFileSync(join(dir, "main.mjs"), compile(source, { filename: join(dir, "main.ts"), moduleId: "main.ts" }).code);
    return dir;
  });
}

/** One fresh process: [first package write, later package write, plain tree write, index built after the tree]. */
function measure(dir, withPackages) {
  const script = `
    const { dumps } = await import(${JSON.stringify(pickle)});
    const { hasPackageIndex, loadedPackage } = await import(${JSON.stringify(packageIndex)});
    const { pick } = await import(${JSON.stringify(pathToFileURL(join(dir, "main.mjs")).href)});
    const tree = (d) => (d === 0 ? { leaf: 1 } : { a: tree(d - 1), b: tree(d - 1), n: d });
    const plain = tree(12);
    dumps({ warm: [1, 2, 3] });
    // The reference table's walk and the index of node: builtins, which any function meets first.
    const { join } = await import("node:path");
    dumps({ f: join });
    let t = performance.now();
    dumps(plain);
    const plainMs = performance.now() - t;
    const built = hasPackageIndex();
    let first = 0, later = 0, indexMs = 0;
    if (${withPackages}) {
      t = performance.now();
      loadedPackage("not-a-package"); // builds the index, nothing else
      indexMs = performance.now() - t;
      t = performance.now();
      dumps({ f: pick() });
      first = performance.now() - t;
      t = performance.now();
      dumps({ f: pick() });
      later = performance.now() - t;
    }
    console.log(JSON.stringify([first, later, plainMs, built, indexMs]));`;
  return JSON.parse(execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: dir, encoding: "utf8" }));
}

export default async function run() {
  const withPackages = await makeProject(true);
  const without = await makeProject(false);
  try {
    const firsts = [], laters = [], plainWith = [], plainWithout = [], indexes = [];
    let builtForPlain = false;
    for (let i = 0; i < RUNS; i++) {
      const [first, later, plain, built, indexMs] = measure(withPackages, true);
      indexes.push(indexMs);
      firsts.push(first);
      laters.push(later);
      plainWith.push(plain);
      builtForPlain ||= built;
      plainWithout.push(measure(without, false)[2]);
    }
    if (builtForPlain) throw new Error("the package index was built for a program that wrote no package value");
    const first = median(firsts), later = median(laters), pw = median(plainWith), pwo = median(plainWithout);
    const index = median(indexes), worst = Math.max(...indexes);
    return {
      suite: "packages",
      headline: `building the index of 50 loaded packages: ${index.toFixed(1)} ms (worst ${worst.toFixed(1)} ms; target <= 20 ms)`,
      rows: [
        { name: `building the index of ${PACKAGES} loaded packages`, ours: index, baseline: "a write once it is built", base: later, ratio: index / later },
        { name: `first write of a package function after the index is built`, ours: first, baseline: "a later write", base: later, ratio: first / later },
        { name: "8k-node plain tree, 50 packages loaded (no index built)", ours: pw, baseline: "no package loaded", base: pwo, ratio: pw / pwo },
      ],
      notes: [
        `median of ${RUNS} fresh processes; each imports a compiled module that imports all ${PACKAGES} packages (${EXPORTS} functions and a class each; half ES modules, half CommonJS)`,
        "the index is built by asking it for a package (what the encoder's first package value does); a node: function is written first, so the reference table and the builtin index exist already",
      ],
    };
  } finally {
    rmSync(withPackages, { recursive: true, force: true });
    rmSync(without, { recursive: true, force: true });
  }
}
