// `spickle inspect` on hostile input: non-regular files are refused in one line, and a corpus of
// mutated real snapshots (raw flips, truncations, lengths and checksum rewritten so the readers
// themselves are exercised, structured record streams with odd handler kinds, odd headers) goes
// through inspect's code path in-process — snapshotContents, the listing and the JSON — and
// through `loads` with allowCode:false: every input gives a report or a one-line SnapshotError.
// The corpus comes from a seeded PRNG (SPICKLE_FUZZ_SEED picks another run; a failure names its
// seed and case).

import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { crc32, dumps, encodeSnapshot, loads, readFrame, SnapshotError, writeFrame } from "@spickle/pickle";
import { snapshotContents } from "@spickle/pickle/contents";
import * as T from "../../pickle/src/tags.js";
import { formatReport, formatReportJson } from "../src/cli/inspect.js";

const here = dirname(fileURLToPath(import.meta.url));
const packageDir = dirname(here);
const repoRoot = dirname(dirname(packageDir));
const bin = join(packageDir, "dist", "bin.js");

let scratch: string;
/** A real checkpoint: modules by value, tasklet stacks in the header, channels, a sleeper. */
let checkpoint: Uint8Array;

beforeAll(() => {
  if (!existsSync(bin)) {
    execFileSync(process.execPath, [join(repoRoot, "node_modules", "typescript", "bin", "tsc"), "-b", packageDir], { cwd: repoRoot, stdio: "inherit" });
  }
  scratch = mkdtempSync(join(tmpdir(), "spickle-inspect-"));
  cpSync(join(here, "fixtures", "cli"), join(scratch, "project"), { recursive: true });
  const r = spickle(["run", "-c", "p.ckpt", join(scratch, "project", "pipeline.ts")]);
  expect(r.stderr).toBe("");
  expect(r.status).toBe(3);
  checkpoint = readFileSync(join(scratch, "p.ckpt"));
});

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

function spickle(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const env: Record<string, string | undefined> = { ...process.env, SPICKLE_CACHE_DIR: join(scratch, "cache") };
  delete env.SPICKLE_KEY;
  delete env.NODE_PATH;
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: scratch, env: env as NodeJS.ProcessEnv, encoding: "utf8", timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const lines = (text: string) => text.split("\n").filter((l) => l !== "");
const ascii = (s: string) => [0xa0 | s.length, ...Buffer.from(s, "latin1")];

describe("spickle inspect refuses what it should not read", () => {
  it("a device, a FIFO, a directory: exit 2, one line, nothing read", () => {
    const fifo = join(scratch, "fifo");
    execFileSync("mkfifo", [fifo]);
    const dir = join(scratch, "a-folder");
    mkdirSync(dir);
    for (const [file, problem] of [
      ["/dev/zero", "not a regular file (a character device), not a snapshot"],
      [fifo, "not a regular file (a FIFO), not a snapshot"],
      [dir, "is a directory, not a snapshot"],
    ]) {
      for (const json of [[], ["--json"]]) {
        const r = spickle(["inspect", ...json, file!]);
        expect(r.status, r.stderr).toBe(2);
        expect(r.stdout).toBe("");
        expect(lines(r.stderr)).toEqual([`spickle: ${file}: ${problem}`]);
      }
    }
  });

  it("a file longer than its frame declares is refused from its size", () => {
    const file = join(scratch, "long.ckpt");
    writeFileSync(file, Buffer.concat([checkpoint, Buffer.alloc(1000)]));
    const r = spickle(["inspect", file]);
    expect(r.status).toBe(2);
    expect(lines(r.stderr)).toEqual([`spickle: ${file}: trailing data after snapshot (${checkpoint.length + 1000} bytes, expected ${checkpoint.length})`]);
  });

  it("a valid snapshot with a handler kind named `__proto__` or `constructor` is listed", () => {
    for (const kind of ["__proto__", "constructor"]) {
      const file = join(scratch, `${kind}.snap`);
      writeFileSync(file, writeFrame(Uint8Array.of(0x80), Uint8Array.from([0x94, T.FORMAT, T.T_HANDLER, 0x91, ...ascii(kind), 0x00]), undefined));
      const r = spickle(["inspect", file]);
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^ {2}${kind} +1 +\\d+ B +\\d+ B$`, "m"));
      expect(JSON.parse(spickle(["inspect", "--json", file]).stdout).objects).toEqual([{ type: kind, count: 1, bytes: expect.any(Number), largest: expect.any(Number) }]);
    }
  });
});

// ---- the fuzz corpus ----

/** mulberry32: a small seeded PRNG, so a run can be repeated. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED = Number(process.env.SPICKLE_FUZZ_SEED ?? 0x5eed);
const random = prng(SEED);
const int = (n: number) => Math.floor(random() * n);
const pick = <V>(values: readonly V[]): V => values[int(values.length)]!;

/** Names that break code that keys plain objects by input. */
const ODD_NAMES = [
  "__proto__", "constructor", "toString", "hasOwnProperty", "valueOf", "prototype", "__defineGetter__", "length", "",
  "spickle.module", "spickle.closure", "spickle.generator", "Tasklet", "x".repeat(200), "é\u0000\uffff",
] as const;
/** By-reference paths a body may name (harmless ones: the fuzzer must not call anything that acts). */
const PATHS = ["globalThis#Math.max", "globalThis#Object.prototype", "@spickle/runtime#Tasklet.prototype", "globalThis#__proto__", "globalThis#constructor", "#.prototype", ""];

interface Parts {
  header: Uint8Array;
  body: Uint8Array;
}

function seedOf(bytes: Uint8Array): Seed {
  const l = readFrame(bytes, undefined);
  return { bytes, header: bytes.subarray(l.headerStart, l.headerEnd), body: bytes.subarray(l.bodyStart, l.bodyEnd) };
}

/** A few random edits: set, insert or delete bytes, or splice in a piece of `donor`. */
function edit(bytes: Uint8Array, donor: Uint8Array): Uint8Array {
  let out = bytes;
  for (let n = 1 + int(6); n > 0; n--) {
    const at = int(out.length + 1);
    let insert: Uint8Array;
    let remove = 0;
    switch (int(4)) {
      case 0:
        insert = Uint8Array.of(int(256));
        remove = 1;
        break;
      case 1:
        insert = Uint8Array.of(pick([0, 0xff, 0x7f, 0x80, 0xc0, 0xdc, 0xdd, 0xd4, 0x72, 0x40, int(256)]));
        break;
      case 2:
        insert = new Uint8Array(0);
        remove = 1 + int(4);
        break;
      default: {
        const from = int(donor.length);
        insert = donor.subarray(from, from + 1 + int(24));
      }
    }
    out = Buffer.concat([out.subarray(0, at), insert, out.subarray(Math.min(out.length, at + remove))]);
  }
  return out;
}

/** The frame with its CRC-32 recomputed where it stands (after the flipped lengths). */
function withCrc(bytes: Uint8Array): Uint8Array {
  const out = Uint8Array.from(bytes);
  if (out.length >= 4) new DataView(out.buffer).setUint32(out.length - 4, crc32(out.subarray(0, out.length - 4)));
  return out;
}

/** A msgpack value a record stream may hold: mostly wire values (small ints, references,
 * strings), sometimes nested. */
function wire(depth = 0): number[] {
  switch (int(depth > 2 ? 5 : 7)) {
    case 0:
      return [int(0x40)]; // small positive int
    case 1:
      return [0xe0 | int(32)]; // a reference ~0…~31
    case 2:
      return [0xd2, 0xff, 0xff, 0xff, int(256)]; // int32 reference
    case 3:
      return ascii(pick(ODD_NAMES).slice(0, 31));
    case 4:
      return [pick([0xc0, 0xc2, 0xc3, 0xcb, 0xc1])].concat(Array(8).fill(0)).slice(0, 1);
    case 5: {
      const n = int(4);
      return [0x90 | n, ...Array.from({ length: n }, () => wire(depth + 1)).flat()];
    }
    default:
      return [0xdc, 0, int(4)]; // array16 with a count, maybe of nothing
  }
}

/** A body written by hand: [FORMAT, item…, root], items being tags with fields (odd handler
 * kinds, modules, fills of random entries), records and arrays. */
function recordStream(): Uint8Array {
  const items: number[][] = [];
  const defined: number[] = [];
  for (let n = int(12); n > 0; n--) {
    switch (int(6)) {
      case 0: {
        const kind = pick(ODD_NAMES);
        items.push([T.T_HANDLER], [0x92, ...ascii(kind.slice(0, 31)), ...wire()]);
        break;
      }
      case 1:
        items.push([T.T_HANDLER], [0x92, ...ascii("spickle.module"), 0xe0 | int(32)]);
        break;
      case 2: {
        const id = int(4);
        const keys = Array.from({ length: int(4) }, () => pick(["id", "code", ...ODD_NAMES]).slice(0, 31));
        items.push([0xd4, 0x72, 0x40 | id, 0x90 | keys.length, ...keys.flatMap(ascii), ...keys.flatMap(() => wire())]);
        defined.push(id);
        break;
      }
      case 3:
        if (defined.length > 0) items.push([0x40 | pick(defined), ...Array.from({ length: int(4) }, () => wire()).flat()]);
        break;
      case 4:
        items.push([T.T_REF], [0x91, ...ascii(pick(PATHS))]);
        break;
      default: {
        const tag = int(T.TAG_COUNT + 4);
        const fields = Array.from({ length: int(5) }, () => wire());
        items.push([tag], [0x90 | fields.length, ...fields.flat()]);
      }
    }
  }
  const count = items.length + 2;
  const head = count < 16 ? [0x90 | count] : [0xdc, count >> 8, count & 0xff];
  return Uint8Array.from([...head, T.FORMAT, ...items.flat(), ...wire()]);
}

/** Odd shapes of the header fields inspect reads (made once: some are large). */
const ODD_SHAPES: unknown[] = (() => {
  const nested = (levels: number) => {
    const deep: unknown[] = [];
    let at = deep;
    for (let i = 0; i < levels; i++) at.push((at = []));
    return deep;
  };
  return [
    null, 1, "s", [], {}, nested(50), [["m", "h", true], ["constructor"], [1]],
    { list: [{ id: 1, name: "n", state: "io", frames: [{ fn: "f", line: "x" }, null, 3] }], more: "many" },
    { list: Array.from({ length: 300 }, (_, i) => ({ id: i, name: "t", state: "runnable", frames: [] })) },
    Array.from({ length: 2000 }, (_, i) => [`m${i}`, "", false]),
    new Date(0), 2n ** 40n, Uint8Array.of(1, 2), "x".repeat(5000),
  ];
})();

/** A header map with odd keys and odd shapes of the fields inspect reads. */
function oddHeader(): Record<string, unknown> {
  const header: Record<string, unknown> = Object.create(null);
  for (let n = 1 + int(5); n > 0; n--) {
    const key = pick(["kind", "created", "modules", "stacks", "tasklets", "entry", "caller", ...ODD_NAMES]);
    header[key] = pick(ODD_SHAPES);
  }
  return header;
}

/** A seed snapshot, with its header and body. */
interface Seed extends Parts {
  bytes: Uint8Array;
}

type Mutation = (seed: Seed, donor: Seed) => Uint8Array;

const MUTATIONS: Array<[name: string, cases: number, mutate: Mutation]> = [
  ["raw byte flips", 3000, ({ bytes }) => {
    const out = Uint8Array.from(bytes);
    for (let n = 1 + int(8); n > 0; n--) out[int(out.length)] = int(256);
    return out;
  }],
  ["truncations", 2000, ({ bytes }) => bytes.subarray(0, int(bytes.length))],
  ["byte flips, checksum recomputed", 3000, ({ bytes }) => {
    const out = Uint8Array.from(bytes);
    for (let n = 1 + int(4); n > 0; n--) out[int(out.length - 4)] = int(256);
    return withCrc(out);
  }],
  ["length fields changed, checksum recomputed", 1500, ({ bytes }) => {
    const out = Uint8Array.from(bytes);
    const view = new DataView(out.buffer);
    const headerLength = view.getUint32(8);
    const at = pick([8, 12 + headerLength, 12 + headerLength + 4]);
    const old = view.getUint32(at);
    view.setUint32(at, pick([0, 1, old + 1, old - 1, old + 1 + int(64), 0xffffffff, 0x7fffffff, int(2 ** 32)]) >>> 0);
    return withCrc(out);
  }],
  ["bodies edited, framed again", 4000, (s, d) => writeFrame(s.header, edit(s.body, d.body), undefined)],
  ["headers edited, framed again", 2000, (s, d) => writeFrame(edit(s.header, d.header), s.body, undefined)],
  ["record streams with odd handler kinds", 3500, () => encodeSnapshot({ header: { kind: "checkpoint" }, body: recordStream() }, { key: null })],
  // Deep enough that showing it recursively would overflow the stack (written by hand: msgpackr
  // packs recursively).
  ["deeply nested headers", 200, (s) => {
    const levels = int(6000);
    const key = pick(["modules", "stacks", "extra", ...ODD_NAMES]).slice(0, 31);
    const header = Uint8Array.from([0x81, ...ascii(key), ...new Array<number>(levels).fill(pick([0x91, 0x81])), 0xc0]);
    return writeFrame(header, s.body, undefined);
  }],
  ["odd headers over real bodies", 1000, (s) => encodeSnapshot({ header: oddHeader(), body: s.body }, { key: null })],
];

function expectOneLineSnapshotError(error: unknown, where: string): void {
  if (!(error instanceof SnapshotError)) throw new Error(`${where}: ${(error as Error)?.stack ?? String(error)}`);
  if (error.message.includes("\n")) throw new Error(`${where}: a message of more than one line: ${JSON.stringify(error.message)}`);
}

describe(`fuzz corpus (seed ${SEED})`, () => {
  it("every mutation of real snapshots gives a report or a one-line SnapshotError, through inspect and loads", () => {
    const seeds = [
      checkpoint,
      dumps({ list: [1, "two", { three: 3 }], nested: { deeper: [null, true] } }, { key: null }),
      dumps(
        { rows: [{ a: 1 }, { a: 2 }], when: new Date(0), index: new Map([["k", new Set([1])]]), floats: new Float64Array(20), error: new RangeError("r"), big: 2n ** 80n, sym: Symbol.for("s"), neg: [-1, -0] },
        { key: null, header: { kind: "value", entry: "x.ts", modules: [["x.ts", "00", true]] } },
      ),
    ].map(seedOf);
    let cases = 0;
    const outcomes = { report: 0, refused: 0, loaded: 0 };
    for (const [name, count, mutate] of MUTATIONS) {
      for (let i = 0; i < count; i++) {
        const where = `seed ${SEED}, ${name} #${i}`;
        const bytes = mutate(pick(seeds), pick(seeds));
        cases++;
        let contents;
        try {
          contents = snapshotContents(bytes, { key: null });
        } catch (error) {
          expectOneLineSnapshotError(error, `${where}: snapshotContents`);
          outcomes.refused++;
        }
        if (contents !== undefined) {
          outcomes.report++;
          const report = { file: "fuzz.ckpt", path: "/fuzz.ckpt", ...contents };
          try {
            expect(typeof formatReport(report)).toBe("string");
            JSON.parse(formatReportJson(report));
          } catch (error) {
            throw new Error(`${where}: the listing failed: ${(error as Error)?.stack ?? String(error)}`);
          }
        }
        try {
          loads(bytes, { key: null, allowCode: false });
          outcomes.loaded++;
        } catch (error) {
          expectOneLineSnapshotError(error, `${where}: loads`);
        }
      }
    }
    expect(cases).toBeGreaterThanOrEqual(20_000);
    // The corpus reaches past the checksum: most structured cases are valid frames the readers see.
    expect(outcomes.report).toBeGreaterThan(cases / 3);
    expect(outcomes.refused).toBeGreaterThan(cases / 4);
  });
});
