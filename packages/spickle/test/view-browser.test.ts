// The snapshot viewer in a real headless browser (Debian's chromium, driven by playwright-core):
// pages of checkpoints of the examples and fixtures, opened from the file `inspect --html` writes
// and from `spickle view`'s server; a tasklet opened, locals expanded, a retainer path followed,
// two checkpoints compared, search and keys. A screenshot of each view is kept under
// packages/spickle/test/.artifacts/ (gitignored).

import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Live, scratchWith, spickle, type Scratch } from "./cli-support.js";

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = dirname(dirname(dirname(here)));
const artifacts = join(here, ".artifacts");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const KEY = "view-test-key";

let scratch: Scratch;
let browser: Browser;
let work: string;
/** Checkpoints: the fixture pipeline (its source deleted afterwards), the same signed, and the
 * example pipeline after 2 and after 4 results. */
let fixture: string;
let signed: string;
let early: string;
let later: string;

function ok(args: string[], cwd: string, env?: Record<string, string | undefined>) {
  return spickle(scratch, args, cwd, env);
}

/** Runs a program to its checkpoint (it then exits with `code`). */
function checkpoint(args: string[], code: number, env?: Record<string, string | undefined>): void {
  const r = spickle(scratch, args, work, env);
  if (r.status !== code) throw new Error(`spickle ${args.join(" ")}: exit ${r.status}\n${r.stderr}`);
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`no chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
  mkdirSync(artifacts, { recursive: true });
  scratch = scratchWith("cli");
  work = scratch.folder();
  fixture = join(work, "fixture.ckpt");
  signed = join(work, "signed.ckpt");
  early = join(work, "early.ckpt");
  later = join(work, "later.ckpt");
  const script = join(scratch.project, "pipeline.ts");
  checkpoint(["run", "-c", fixture, script], 3);
  checkpoint(["run", "-c", signed, script], 3, { SPICKLE_KEY: KEY });
  const example = join(repoRoot, "examples", "channels", "pipeline.ts");
  checkpoint(["run", "-c", early, example, "10", "--crash-after=2"], 75);
  checkpoint(["run", "-c", later, example, "10", "--crash-after=4"], 75);
  // The page must come from the code the snapshot carries.
  rmSync(script);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu"] });
}, 120_000);

/** `spickle view` servers started, stopped after the tests whatever happened. */
const servers: Live[] = [];

afterAll(async () => {
  for (const live of servers) if (live.child.exitCode === null) live.child.kill("SIGKILL");
  await browser?.close();
  scratch?.remove();
});

async function open(url: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
  const requests: string[] = [];
  page.on("request", (r) => {
    if (!r.url().startsWith("file:") && !r.url().startsWith("http://127.0.0.1")) requests.push(r.url());
  });
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(url);
  await page.waitForSelector("body[data-ready=true]");
  expect(errors).toEqual([]);
  (page as Page & { outside?: string[] }).outside = requests;
  return page;
}

function htmlOf(checkpoint: string, env?: Record<string, string>): string {
  const out = checkpoint.replace(/\.ckpt$/, ".html");
  const r = ok(["inspect", "--html", checkpoint, "-o", out], work, env);
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  return out;
}

describe("spickle inspect --html", () => {
  it("shows tasklets, a stack at source lines from the snapshot's own code, and locals as a tree", async () => {
    const page = await open(pathToFileURL(htmlOf(fixture)).href);
    const rows = page.locator("#view-tasklets .tasklet-row");
    await expect.poll(() => rows.count()).toBe(5);
    expect(await rows.allInnerTexts()).toEqual(expect.arrayContaining([expect.stringMatching(/#2 producer sending on channel/), expect.stringMatching(/receiving on channel/), expect.stringMatching(/sleeping/)]));
    await rows.filter({ hasText: "producer" }).click();
    const detail = page.locator("#tasklet-detail");
    await expect.poll(() => detail.locator("h2").innerText()).toBe("#2 producer");
    // Innermost frame first, its line marked, the lines around it from the snapshot's source map.
    const frames = detail.locator(".frame");
    expect(await frames.count()).toBe(2);
    expect(await frames.nth(0).locator(".frame-head").innerText()).toMatch(/^at produce \(.*pipeline\.ts:8:\d+\)$/);
    expect(await frames.nth(0).locator("mark").innerText()).toContain("yield* out.send(i * i);");
    expect(await frames.nth(0).locator("pre.source").innerText()).toContain("function* produce(out: Channel<number>, count: number) {");
    const locals = frames.nth(0).locator(".locals");
    expect(await locals.locator(".tree-row").allInnerTexts()).toEqual(expect.arrayContaining([expect.stringMatching(/^count: 3$/), expect.stringMatching(/^i: 1$/)]));
    // Expanding `out` (the channel) shows its fields; its queue expands in turn.
    const out = locals.locator(".tree-item").filter({ has: page.locator(".key", { hasText: /^out$/ }) }).first();
    expect(await out.locator(".tree-row").first().innerText()).toMatch(/^▸out: Channel \{ balance: 1, queue: \[TaskletQueue\], closed: false \}/);
    await out.locator("button.twisty").first().click();
    const fields = out.locator(".tree-children").first();
    await expect.poll(() => fields.locator(":scope > .tree-item > .tree-row").allInnerTexts()).toEqual(
      expect.arrayContaining([expect.stringMatching(/^▸prototype: ‹@spickle\/runtime#Channel\.prototype›/), expect.stringMatching(/^▸queue: TaskletQueue \{/)]),
    );
    await page.screenshot({ path: join(artifacts, "tasklets.png"), fullPage: true });
    expect((page as Page & { outside?: string[] }).outside).toEqual([]);
    await page.close();
  });

  it("follows a local's retainer path back to its tasklet; lists objects by type and the largest", async () => {
    const page = await open(pathToFileURL(htmlOf(fixture)).href);
    await page.locator("#view-tasklets .tasklet-row", { hasText: "producer" }).click();
    const out = page.locator("#tasklet-detail .frame").first().locator(".tree-row").filter({ has: page.locator(".key", { hasText: /^out$/ }) });
    await out.locator("a.why").click();
    const detail = page.locator("#object-detail");
    await expect.poll(() => detail.locator("h3").innerText()).toMatch(/^Channel @\d+$/);
    expect(await page.locator("#view-tasklets").isVisible()).toBe(false);
    const path = await detail.locator(".retainers li").allInnerTexts();
    expect(path[0]).toMatch(/^Scheduler @\d+/);
    expect(path[path.length - 1]).toMatch(/Channel @\d+/);
    expect(await detail.locator(".retainers li.holder").innerText()).toMatch(/Tasklet @\d+/);
    expect(await detail.locator(".held-by").innerText()).toMatch(/^held by Tasklet \{ id: \d+, name: '(main|producer|consumer)'/);
    // Following the path: its first step opens the scheduler.
    await detail.locator(".retainers li a").first().click();
    await expect.poll(() => page.locator("#object-detail h3").innerText()).toMatch(/^Scheduler @\d+$/);
    const types = await page.locator("#view-memory .types-row").allInnerTexts();
    expect(types.some((t) => /^Tasklet\s+5\s/.test(t))).toBe(true);
    expect(await page.locator("#view-memory .object-row").count()).toBeGreaterThan(5);
    await page.screenshot({ path: join(artifacts, "memory.png"), fullPage: true });
    await page.keyboard.press("3");
    await expect.poll(() => page.locator("#view-modules td").first().innerText()).toBe("pipeline.ts");
    expect(await page.locator("#view-modules").innerText()).toMatch(/pipeline\.ts\s+by value\s+\d+(\.\d)? KiB/);
    await page.screenshot({ path: join(artifacts, "modules.png"), fullPage: true });
    await page.close();
  });

  it("a signed snapshot shows its signature verified; search and keys find and open things", async () => {
    const page = await open(pathToFileURL(htmlOf(signed, { SPICKLE_KEY: KEY })).href);
    await page.keyboard.press("4");
    await expect.poll(() => page.locator("#signature").innerText()).toBe("Signature: verified");
    expect(await page.locator("#view-header").innerText()).toContain("HMAC-SHA256, verified with SPICKLE_KEY");
    await page.screenshot({ path: join(artifacts, "header.png"), fullPage: true });
    await page.keyboard.press("/");
    await page.keyboard.type("sleeper");
    const results = page.locator("#view-search .result-row");
    await expect.poll(() => results.allInnerTexts()).toEqual(expect.arrayContaining([expect.stringMatching(/^tasklet #\d+ sleeper$/)]));
    await page.screenshot({ path: join(artifacts, "search.png"), fullPage: true });
    await results.filter({ hasText: /^tasklet #\d+ sleeper$/ }).click();
    await expect.poll(() => page.locator("#tasklet-detail h2").innerText()).toMatch(/^#\d+ sleeper$/);
    // Keys: the list takes arrows.
    await page.locator("#view-tasklets .vlist").focus();
    await page.keyboard.press("Home");
    await expect.poll(() => page.locator("#tasklet-detail h2").innerText()).toBe("#1 main");
    await page.keyboard.press("ArrowDown");
    await expect.poll(() => page.locator("#tasklet-detail h2").innerText()).toMatch(/^#\d+ (producer|consumer|sleeper|idle)$/);
    // Print layout: no tabs or search box.
    await page.emulateMedia({ media: "print" });
    expect(await page.locator("#tabs").isVisible()).toBe(false);
    await page.screenshot({ path: join(artifacts, "print.png"), fullPage: true });
    await page.close();
  });

  it("a corrupt snapshot is the usual one-line error, and no page", () => {
    const bytes = readFileSync(fixture);
    bytes[bytes.length - 20] ^= 0xff;
    const bad = join(work, "bad.ckpt");
    writeFileSync(bad, bytes);
    const r = ok(["inspect", "--html", bad, "-o", join(work, "bad.html")], work);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^spickle: .*bad\.ckpt: .*checksum.*\n$/);
    expect(existsSync(join(work, "bad.html"))).toBe(false);
  });
});

describe("spickle view", () => {
  it("serves the page on 127.0.0.1 and compares two checkpoints", async () => {
    const live = new Live(scratch, ["view", early, later], work);
    servers.push(live);
    await live.waitFor("(Ctrl-C to stop)");
    const url = /at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(live.stdout)![1]!;
    const page = await open(url);
    const compare = page.locator("#view-compare");
    await expect.poll(() => compare.locator("section").count()).toBe(5);
    const locals = await compare.locator("section", { hasText: "Changed locals" }).locator("tbody tr").allInnerTexts();
    expect(locals).toEqual(expect.arrayContaining([expect.stringMatching(/^#1 sumOfSquares\tsumOfSquares\ttotal\t5\t30$/), expect.stringMatching(/^#1 sumOfSquares\tsumOfSquares\treceived\t2\t4$/)]));
    expect(await compare.locator("section", { hasText: "Tasklets created" }).locator("h3").innerText()).toBe("Tasklets created (0)");
    await page.screenshot({ path: join(artifacts, "compare.png"), fullPage: true });
    // The server answers for entries too (what a page of a large snapshot does not carry).
    const node = (await (await fetch(`${url}api/node?id=1`)).json()) as Array<{ id: number; t: string }>;
    expect(node[0]).toMatchObject({ id: 1, t: "Scheduler" });
    await page.close();
    live.child.kill("SIGINT");
    expect(await live.exited).toBe(0);
  });
});
