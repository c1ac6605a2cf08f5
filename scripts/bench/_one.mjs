const [v, w] = process.argv.slice(2);
const m = await import(`./.out/exp.${v}.mjs`);
const pol = process.argv.includes("--pollute");
if (pol) for (let i = 0; i < 20; i++) m.pollute();
const W = { range: () => m.rangeForOf(10_000_000), mix: () => m.manyLocals(5_000_000), rr: () => m.roundRobin(8, 4_000_000) };
const out = [];
for (let i = 0; i < 8; i++) { if (pol) m.pollute(); const c0 = process.cpuUsage(); W[w](); const c = process.cpuUsage(c0); out.push(((c.user + c.system) / 1000).toFixed(0)); }
console.log(v, w, pol ? "polluted" : "clean", out.join(" "));
