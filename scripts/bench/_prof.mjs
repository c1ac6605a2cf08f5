const which = process.argv[2];
const m = await import(`./.out/generators.${process.argv[3] ?? "spickle"}.mjs`);
const f = { range: () => m.rangeForOf(10_000_000), mix: () => m.manyLocals(5_000_000), rr: () => m.roundRobin(8, 4_000_000) }[which];
for (let i = 0; i < 6; i++) { const t = performance.now(); f(); console.log(which, (performance.now() - t).toFixed(0)); }
