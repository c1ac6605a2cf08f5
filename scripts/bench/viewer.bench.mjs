// The snapshot viewer on large snapshots: for 10k, 100k, 1M and 2M objects (about 100 bytes each
// in the snapshot), the time `spickle inspect --html` takes to read, verify and index the snapshot
// and write its page (in a child process, as a user runs it), and the time the page takes in
// headless chromium from navigation to its first view being interactive (the tasklets and memory
// tables drawn, the script done).
//
// Reference point: Chrome DevTools loads a heap snapshot by parsing its JSON and then indexing it
// (nodes, edges, retainers, dominators). The reference here is the first step alone — JSON.parse of
// a V8 heap snapshot (v8.writeHeapSnapshot) of a Node process holding the same number of objects
// of the same shape — so ratio = ours / that parse is an upper bound of ours / DevTools' load —
// up to HEAP_SNAPSHOT_MAX objects: beyond, writing the heap snapshot itself takes too long here.
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const bin = fileURLToPath(new URL("../../packages/spickle/dist/bin.js", import.meta.url));
const pickle = new URL("../../packages/pickle/dist/index.js", import.meta.url).href;
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
/** Largest object count given a heap-snapshot reference: on the bench machine, writing the heap
 * snapshot of a process holding a million such objects did not end within 15 minutes. */
const HEAP_SNAPSHOT_MAX = 100_000;

/** Code making `n` objects shaped like a job's records, held by `kept` (a local: dumps writes
 * what globalThis reaches by reference). */
function makeObjects(n) {
  return `
    const items = new Array(${n});
    for (let i = 0; i < ${n}; i++) items[i] = { id: i, name: "item " + i, note: "payload of item " + i + " ".padEnd(40, "x"), next: i > 0 ? items[i - 1] : null };
    for (let i = 0; i < ${n}; i += 10) items[i].tags = ["a", "b", i];
    const kept = { items };`;
}

function run(code, args = []) {
  return execFileSync(process.execPath, ["--max-old-space-size=8000", "--input-type=module", "-e", code, ...args], { encoding: "utf8", maxBuffer: 1 << 26 }).trim();
}

function ms(start) {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export default async function viewerBench({ quick }) {
  const sizes = quick ? [10_000, 100_000] : [10_000, 100_000, 1_000_000, 2_000_000];
  const dir = mkdtempSync(join(tmpdir(), "spickle-view-bench-"));
  // A devDependency of the spickle package (its browser tests use it too).
  const { chromium } = createRequire(new URL("../../packages/spickle/package.json", import.meta.url))("playwright-core");
  const browser = existsSync(CHROMIUM) ? await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu"] }) : null;
  const rows = [];
  const notes = [];
  try {
    for (const n of sizes) {
      const snap = join(dir, `objects-${n}.snap`);
      run(`import { writeFileSync } from "node:fs"; import { dumps } from ${JSON.stringify(pickle)};${makeObjects(n)}
        writeFileSync(${JSON.stringify(snap)}, dumps(kept, { key: null }));`);
      const html = join(dir, `objects-${n}.html`);
      let start = process.hrtime.bigint();
      execFileSync(process.execPath, [bin, "inspect", "--html", snap, "-o", html], { stdio: "ignore" });
      const index = ms(start);
      let render = NaN;
      if (browser !== null) {
        const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
        start = process.hrtime.bigint();
        await page.goto(pathToFileURL(html).href);
        await page.waitForSelector("body[data-ready=true]");
        await page.locator("#view-tasklets").waitFor();
        render = ms(start);
        await page.close();
      }
      const size = `${(statSync(snap).size / 1e6).toFixed(1)} MB snapshot, page ${(statSync(html).size / 1e6).toFixed(1)} MB`;
      const count = n.toLocaleString("en-US");
      if (n > HEAP_SNAPSHOT_MAX) {
        // No reference at this size (see HEAP_SNAPSHOT_MAX): the times go in the notes.
        notes.push(`${count} objects (${size}): index + page ${(index / 1000).toFixed(1)} s, first view in chromium ${(render / 1000).toFixed(1)} s`);
      } else {
        const heap = join(dir, `heap-${n}.heapsnapshot`);
        run(`import { writeHeapSnapshot } from "node:v8";${makeObjects(n)} globalThis.kept = kept; writeHeapSnapshot(${JSON.stringify(heap)});`);
        start = process.hrtime.bigint();
        JSON.parse(readFileSync(heap, "utf8"));
        const parse = ms(start);
        rmSync(heap, { force: true });
        rows.push({ name: `index + page, ${count} objects`, ours: index, baseline: "heap snapshot JSON.parse", base: parse, ratio: index / parse, note: size });
        if (Number.isFinite(render)) rows.push({ name: `first view in chromium, ${count} objects`, ours: render, baseline: "heap snapshot JSON.parse", base: parse, ratio: render / parse });
      }
      rmSync(snap, { force: true });
      rmSync(html, { force: true });
    }
  } finally {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  }
  notes.push(
    "one run per size; 'index + page' is `spickle inspect --html` as a child process (read, verify, index, dominators, write the page)",
    "'first view' is chromium from navigation to the page's script done with the tasklets view drawn",
    "baseline: JSON.parse of a V8 heap snapshot of the same objects, the first step of DevTools' heap snapshot load (a lower bound of it)",
  );
  return { suite: "viewer", rows, notes, headline: "targets for 2M objects (200 MB): open <= 10 s, first view <= 3 s; the larger sizes are in the notes" };
}
