import fs from "node:fs";
import { compile } from "@spickle/transform";
const src = fs.readFileSync("programs/generators.ts", "utf8");
const pollute = `
function* p1(n: number) { for (let i = 0; i < n; i++) yield i; }
function* p2(n: number) { let a = 0; for (let i = 0; i < n; i++) { a += i; yield a; } }
function* p3(n: number) { let s = ""; for (let i = 0; i < n; i++) { s = "x" + i; yield s.length; } }
function* p4(n: number) { for (let i = 0; i < n; i++) { try { yield i; } finally { n = n; } } }
function* p5(n: number) { yield* p1(n); }
function* p6(n: number) { for (let i = n; i > 0; i--) yield i * 2; }
function* p7(n: number) { const o = { k: 0 }; for (let i = 0; i < n; i++) { o.k = i; yield o.k; } }
function* p8(n: number) { let i = 0; while (i < n) yield i++; }
export function pollute(): number { let s = 0; for (const g of [p1, p2, p3, p4, p5, p6, p7, p8]) for (let r = 0; r < 200; r++) for (const v of g(50)) s = (s + v) | 0; return s; }
`;
const full = src + pollute;
const code = compile(full, { filename: "/x/generators.ts", moduleId: "g.ts" }).code;
for (const rt of ["base", "fast", "pernext"]) fs.writeFileSync(`.out/exp.${rt}.mjs`, code.replace('"@spickle/runtime"', `"/tmp/rtexp/${rt}/index.js"`));
const babel = (await import("module")).createRequire(new URL("../../packages/transform/package.json", import.meta.url))("@babel/core");
fs.writeFileSync(".out/exp.native.mjs", babel.transformSync(full, { filename: "/x/g.ts", babelrc: false, configFile: false, presets: [babel.createConfigItem ? (await import("module")).createRequire(new URL("../../packages/transform/package.json", import.meta.url)).resolve("@babel/preset-typescript") : null] }).code);

const polluteOn = process.argv.includes("--pollute");
const mods = {};
for (const v of ["native", "base", "fast", "pernext"]) mods[v] = await import(`./.out/exp.${v}.mjs`);
function buildTree(depth) { let next = 1; const b = (l) => { if (!l) return null; const left = b(l - 1); const n = { value: next++, left, right: null }; n.right = b(l - 1); return n; }; return b(depth); }
const tree = buildTree(18);
const W = { range: (m) => m.rangeForOf(10_000_000), mix: (m) => m.manyLocals(5_000_000), tree: (m) => m.treeWalk(tree), rr: (m) => m.roundRobin(8, 4_000_000) };
if (polluteOn) for (const v in mods) for (let i = 0; i < 20; i++) mods[v].pollute();
const times = {};
for (let r = 0; r < 12; r++) for (const w in W) for (const v of Object.keys(mods)) {
  if (polluteOn) mods[v].pollute();
  globalThis.gc?.(); const c0 = process.cpuUsage(); W[w](mods[v]); const cu = process.cpuUsage(c0); const e = (cu.user + cu.system) / 1000;
  if (r >= 2) ((times[w] ??= {})[v] ??= []).push(e);
}
const med = (a) => { const s = [...a].sort((x, y) => x - y); return s[s.length >> 1]; };
const gm = {};
for (const w in times) {
  const t = times[w];
  const line = [w.padEnd(6), "native", med(t.native).toFixed(0)];
  for (const v of ["base", "fast", "pernext"]) { const ratio = med(t[v].map((x, i) => x / t.native[i])); (gm[v] ??= []).push(ratio); line.push(v, med(t[v]).toFixed(0), ratio.toFixed(2) + "x"); }
  console.log(line.join(" "));
}
for (const v in gm) console.log(v, "geomean", Math.exp(gm[v].reduce((s, x) => s + Math.log(x), 0) / gm[v].length).toFixed(2));
