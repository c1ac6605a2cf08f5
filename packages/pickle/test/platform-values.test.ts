// Platform data classes through dumps/loads: each comes back equal and working; linked pairs
// (a URL and its searchParams, a controller and its signal) stay linked in whichever order they
// are met; exports of loaded `node:` builtins held as values are written by reference; Blob/File
// and EventTarget are refused with their one-line advice.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as util from "node:util";
import { describe, expect, it } from "vitest";
import { dumps, loads, ReferenceTable, SerializeError } from "../src/index.js";

const HERE = path.dirname(fileURLToPath(import.meta.url));

function roundTrip<T>(value: T): T {
  return loads(dumps(value), { table: new ReferenceTable() }) as T;
}

describe("platform data classes", () => {
  it("URL keeps its href and works", () => {
    const u = roundTrip(new URL("https://user:pw@example.com:8080/a/b?x=1&y=2#frag"));
    expect(u).toBeInstanceOf(URL);
    expect(u.href).toBe("https://user:pw@example.com:8080/a/b?x=1&y=2#frag");
    u.pathname = "/c";
    expect(u.toString()).toBe("https://user:pw@example.com:8080/c?x=1&y=2#frag");
  });

  it("a standalone URLSearchParams keeps its entries", () => {
    const p = roundTrip(new URLSearchParams("a=1&a=2&b=%20x"));
    expect(p).toBeInstanceOf(URLSearchParams);
    expect(p.getAll("a")).toEqual(["1", "2"]);
    expect(p.get("b")).toBe(" x");
  });

  it.each([["URL first", false], ["params first", true]])("URLSearchParams stays linked to its URL (%s)", (_, paramsFirst) => {
    const url = new URL("http://h/p?x=1");
    const params = url.searchParams;
    const graph = paramsFirst ? { params, url } : { url, params };
    const back = roundTrip(graph);
    expect(back.url.searchParams).toBe(back.params);
    back.params.append("y", "2");
    expect(back.url.href).toBe("http://h/p?x=1&y=2");
  });

  it("TextEncoder and TextDecoder keep encoding, fatal and ignoreBOM", () => {
    const [enc, dec, plain] = roundTrip([new TextEncoder(), new TextDecoder("utf-16le", { fatal: true, ignoreBOM: true }), new TextDecoder()]);
    expect(Array.from(enc!.encode("é"))).toEqual([0xc3, 0xa9]);
    const d = dec as InstanceType<typeof TextDecoder>;
    expect([d.encoding, d.fatal, d.ignoreBOM]).toEqual(["utf-16le", true, true]);
    expect(d.decode(new Uint8Array([0x41, 0]))).toBe("A");
    expect(() => d.decode(new Uint8Array([0x00, 0xd8]))).toThrow(TypeError);
    const p = plain as InstanceType<typeof TextDecoder>;
    expect([p.encoding, p.fatal, p.ignoreBOM]).toEqual(["utf-8", false, false]);
  });

  it.each([["controller first", false], ["signal first", true]])("AbortController keeps its signal (%s)", (_, signalFirst) => {
    const c = new AbortController();
    const graph = signalFirst ? { signal: c.signal, c } : { c, signal: c.signal };
    const back = roundTrip(graph);
    expect(back.c.signal).toBe(back.signal);
    expect(back.signal.aborted).toBe(false);
    let fired = 0;
    back.signal.addEventListener("abort", () => fired++);
    back.c.abort("stop");
    expect([fired, back.signal.reason]).toEqual([1, "stop"]);
  });

  it("an aborted signal stays aborted with its reason", () => {
    const c = new AbortController();
    c.abort(new RangeError("too late"));
    const back = roundTrip({ c, s: AbortSignal.abort("why") });
    expect(back.c.signal.aborted).toBe(true);
    expect(back.c.signal.reason).toBeInstanceOf(RangeError);
    expect((back.c.signal.reason as Error).message).toBe("too late");
    expect([back.s.aborted, back.s.reason]).toEqual([true, "why"]);
    expect(() => back.s.throwIfAborted()).toThrow();
  });

  it("Headers keep every entry", () => {
    const h = new Headers({ "Content-Type": "text/plain", Accept: "a" });
    h.append("accept", "b");
    h.append("set-cookie", "x=1");
    h.append("set-cookie", "y=2");
    const back = roundTrip(h);
    expect(back).toBeInstanceOf(Headers);
    expect([...back]).toEqual([...h]);
    expect(back.get("accept")).toBe("a, b");
    expect(back.getSetCookie()).toEqual(["x=1", "y=2"]);
  });

  it("DOMException keeps name, message, code and stack", () => {
    const e = new DOMException("gone", "AbortError");
    const back = roundTrip(e);
    expect(back).toBeInstanceOf(DOMException);
    expect([back.name, back.message, back.code, back.stack]).toEqual([e.name, e.message, 20, e.stack]);
  });

  it("Event keeps type and flags", () => {
    const back = roundTrip(new Event("ping", { bubbles: true, cancelable: true }));
    expect(back).toBeInstanceOf(Event);
    expect([back.type, back.bubbles, back.cancelable, back.composed]).toEqual(["ping", true, true, false]);
    const t = new EventTarget();
    let got = "";
    t.addEventListener("ping", (e) => (got = e.type));
    t.dispatchEvent(back);
    expect(got).toBe("ping");
  });

  it("Intl formatters keep their resolvedOptions and format alike", () => {
    const date = new Date(Date.UTC(2024, 1, 29, 13, 5));
    const made = [
      new Intl.NumberFormat("de-DE", { style: "currency", currency: "EUR" }),
      new Intl.NumberFormat("en", { maximumSignificantDigits: 2 }),
      new Intl.DateTimeFormat("fr", { dateStyle: "full", timeStyle: "short", timeZone: "Asia/Tokyo" }),
      new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", hour12: true, timeZone: "UTC" }),
      new Intl.Collator("sv", { sensitivity: "base", numeric: true }),
      new Intl.PluralRules("en", { type: "ordinal" }),
      new Intl.RelativeTimeFormat("es", { numeric: "auto", style: "short" }),
      new Intl.ListFormat("en", { type: "disjunction" }),
      new Intl.Segmenter("ja", { granularity: "word" }),
    ] as const;
    const back = roundTrip([...made]);
    for (let i = 0; i < made.length; i++) {
      expect(Object.getPrototypeOf(back[i])).toBe(Object.getPrototypeOf(made[i]));
      expect(back[i]!.resolvedOptions()).toEqual(made[i]!.resolvedOptions());
    }
    const [nf, nf2, df, df2, coll, pr, rtf, lf, seg] = back as unknown as typeof made;
    expect(nf.format(1234.5)).toBe(made[0].format(1234.5));
    expect(nf2.format(1234.5)).toBe("1,200");
    expect(df.format(date)).toBe(made[2].format(date));
    expect(df2.format(date)).toBe(made[3].format(date));
    expect(coll.compare("a10", "A9")).toBe(1);
    expect(pr.select(2)).toBe("two");
    expect(rtf.format(-1, "day")).toBe(made[6].format(-1, "day"));
    expect(lf.format(["a", "b"])).toBe("a or b");
    expect([...seg.segment("今日は晴れ")].map((s) => s.segment)).toEqual([...made[8].segment("今日は晴れ")].map((s) => s.segment));
  });

  it("fs.Stats and fs.Dirent keep their fields and methods", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "spickle-platform-"));
    try {
      fs.writeFileSync(path.join(dir, "f.txt"), "hello");
      fs.mkdirSync(path.join(dir, "sub"));
      const stats = fs.statSync(path.join(dir, "f.txt"));
      const dirents = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
      const back = roundTrip({ stats, dirents });
      expect(back.stats).toBeInstanceOf(fs.Stats);
      expect({ ...back.stats }).toEqual({ ...stats });
      expect([back.stats.isFile(), back.stats.isDirectory(), back.stats.size, back.stats.mtime.getTime()]).toEqual([true, false, 5, stats.mtime.getTime()]);
      expect(back.dirents.map((d) => [d.name, d.isFile(), d.isDirectory(), d.parentPath])).toEqual([["f.txt", true, false, dir], ["sub", false, true, dir]]);
      expect(back.dirents[0]).toBeInstanceOf(fs.Dirent);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("an untrusted load (allowCode: false) restores them: their restorers are built in", () => {
    const back = loads(dumps({ u: new URL("http://x/?a=1"), f: new Intl.ListFormat("en") }), { table: new ReferenceTable(), allowCode: false }) as {
      u: URL;
      f: Intl.ListFormat;
    };
    expect([back.u.searchParams.get("a"), back.f.format(["a", "b"])]).toEqual(["1", "a and b"]);
  });

  it("a shared platform object stays one object", () => {
    const u = new URL("http://x/");
    const back = roundTrip([u, u, { u }]);
    expect(back[0]).toBe(back[1]);
    expect((back[2] as { u: URL }).u).toBe(back[0]);
  });
});

describe("lazy globals", () => {
  it("a class Node defines lazily (ReadableStream, Headers, Blob) resolves in a process that has not read it yet", () => {
    const pickle = JSON.stringify(pathToFileURL(path.join(HERE, "../dist/index.js")).href);
    const write = `import { dumps } from ${pickle};
      process.stdout.write(Buffer.from(dumps([ReadableStream, Headers, Blob, File])).toString("base64"));`;
    const bytes = execFileSync(process.execPath, ["--input-type=module", "-e", write], { encoding: "utf8" });
    const read = `import { loads } from ${pickle};
      const [R, H, B, F] = loads(Buffer.from(${JSON.stringify(bytes)}, "base64"));
      console.log(JSON.stringify([R === ReadableStream, H === Headers, B === Blob, F === File, new H({ a: "1" }).get("a")]));`;
    expect(JSON.parse(execFileSync(process.execPath, ["--input-type=module", "-e", read], { encoding: "utf8" }))).toEqual([true, true, true, true, "1"]);
  });
});

describe("refusals", () => {
  const message = (v: unknown) => {
    try {
      dumps({ v });
    } catch (e) {
      expect(e).toBeInstanceOf(SerializeError);
      return (e as Error).message;
    }
    throw new Error("no error");
  };

  it("Blob and File: their bytes are only readable asynchronously", () => {
    expect(message(new Blob(["abc"]))).toBe("cannot serialize Blob at root.v: its bytes can only be read asynchronously; keep " +
      "`new Uint8Array(await blob.arrayBuffer())` (and its type and name) before the checkpoint, and make the Blob again after resume");
    expect(message(new File(["abc"], "a.txt"))).toMatch(/^cannot serialize File at root\.v: its bytes can only be read asynchronously/);
  });

  it("EventTarget: its listeners are not observable", () => {
    expect(message(new EventTarget())).toBe("cannot serialize EventTarget at root.v: its listeners are not observable; keep what " +
      "the listeners need in the program's state and add them again after resume (or use an EventEmitter, whose listeners are saved)");
  });
});

describe("exports of node: builtins by reference", () => {
  it("functions and nested members come back as the same values", () => {
    const join = path.join;
    const fns = new Map<string, unknown>([["read", fs.readFileSync], ["fmt", util.format]]);
    const back = roundTrip({ join, fns, winJoin: path.win32.join, hostname: os.hostname });
    expect(back.join).toBe(path.join);
    expect(back.winJoin).toBe(path.win32.join);
    expect(back.fns.get("read")).toBe(fs.readFileSync);
    expect(back.fns.get("fmt")).toBe(util.format);
    expect(back.hostname).toBe(os.hostname);
  });

  it("an `import * as` namespace of a builtin is written as the module (built package, real ES namespace)", () => {
    // Under the test runner `import * as` gives a proxy of its own: a plain node process holds the real one.
    const pickle = pathToFileURL(path.join(HERE, "../dist/index.js")).href;
    const script = `import * as path from "node:path"; import { dumps, loads, ReferenceTable } from ${JSON.stringify(pickle)};
      const bytes = dumps({ path }); const text = Buffer.from(bytes).toString("latin1");
      const back = loads(bytes, { table: new ReferenceTable() });
      console.log(JSON.stringify([text.includes("node:path#"), back.path.join("a", "b"), back.path.sep]));`;
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    expect(JSON.parse(out)).toEqual([true, "a/b", "/"]);
  });

  it("writes them as (specifier, export path)", () => {
    const text = Buffer.from(dumps([path.win32.join, fs.readFileSync])).toString("latin1");
    expect(text).toContain("node:path#win32.join");
    expect(text).toContain("node:fs#readFileSync");
  });

  it("an untrusted load refuses them (it loads no module)", () => {
    expect(() => loads(dumps(fs.readFileSync), { table: new ReferenceTable(), allowCode: false })).toThrow(/names a module that is not registered/);
  });

  it("a denied builtin's export stays refused", async () => {
    const vm = await import("node:vm");
    expect(() => dumps(vm.runInThisContext)).toThrow(SerializeError);
  });
});
