// The snapshot compatibility policy (docs/compatibility.md): a release reads the snapshots of every
// format version from OLDEST_FORMAT_VERSION to its FORMAT_VERSION, whichever release wrote them.
// fixtures/format-N.spkl was written once with format version N (by `writeFixture` below) and is
// kept: the reader must read each of them exactly; a change to the encoding that breaks one must
// raise FORMAT_VERSION (and add a fixture of the new version). Other versions are refused up
// front, naming the versions.

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { dumps, FORMAT_VERSION, loads, OLDEST_FORMAT_VERSION, readSnapshotHeader, SnapshotError } from "../src/index.js";

const fixtureOf = (version: number) => join(dirname(fileURLToPath(import.meta.url)), "fixtures", `format-${version}.spkl`);
const fixture = fixtureOf(FORMAT_VERSION);

/** The value in the fixture: data of every kind the body encodes without code. */
function fixtureValue(): unknown {
  const shared = { name: "shared", tags: ["a", "b"] };
  const cycle: Record<string, unknown> = { label: "cycle" };
  cycle.self = cycle;
  return {
    primitives: [0, -1, 1.5, 2 ** 53, -0, NaN, Infinity, true, false, null, undefined, "text", "ünïcödé ✓", 12345678901234567890n],
    nested: { deep: [[1, [2, [3]]]], empty: {}, emptyArray: [], sparse: [1, , 3] },
    map: new Map<unknown, unknown>([["k", 1], [2, shared]]),
    set: new Set([1, "two", shared]),
    date: new Date(Date.UTC(2026, 0, 2, 3, 4, 5)),
    regexp: /ab+c/giu,
    bytes: new Uint8Array([0, 1, 254, 255]),
    floats: new Float64Array([1.25, -2.5]),
    buffer: new Uint16Array([1, 65535]).buffer,
    shared: [shared, shared],
    cycle,
    error: Object.assign(new RangeError("out of range"), { stack: "RangeError: out of range\n    at fixture" }),
    symbolKey: Symbol.for("spickle.fixture"),
  };
}

/** How the fixture was made (kept so a new format version's fixture is made the same way). */
export function writeFixture(path: string): void {
  writeFileSync(path, dumps(fixtureValue(), { header: { fixture: "format-compatibility" } }));
}

describe("snapshot format compatibility", () => {
  it("keeps a fixture of every format version it reads", () => {
    for (let version = OLDEST_FORMAT_VERSION; version <= FORMAT_VERSION; version++) expect(existsSync(fixtureOf(version)), `format-${version}.spkl`).toBe(true);
  });

  for (let version = OLDEST_FORMAT_VERSION; version <= FORMAT_VERSION; version++) {
  it(`reads the format-${version} fixture exactly (FORMAT_VERSION ${FORMAT_VERSION})`, () => {
    const bytes = new Uint8Array(readFileSync(fixtureOf(version)));
    expect((bytes[4]! << 8) | bytes[5]!).toBe(version);
    expect(readSnapshotHeader(bytes)).toMatchObject({ fixture: "format-compatibility" });
    const value = loads(bytes) as ReturnType<typeof fixtureValue> & Record<string, never>;
    expect(value).toEqual(fixtureValue());
    const v = value as unknown as { shared: object[]; map: Map<unknown, unknown>; set: Set<unknown>; cycle: Record<string, unknown>; error: Error };
    expect(v.shared[0]).toBe(v.shared[1]);
    expect(v.map.get(2)).toBe(v.shared[0]);
    expect(v.set.has(v.shared[0])).toBe(true);
    expect(v.cycle.self).toBe(v.cycle);
    expect(v.error).toBeInstanceOf(RangeError);
    expect(v.error.stack).toBe("RangeError: out of range\n    at fixture");
  });
  }

  it("refuses a newer format version before decoding anything, naming the versions", () => {
    const bytes = new Uint8Array(readFileSync(fixture));
    const other = FORMAT_VERSION + 1;
    bytes[4] = other >> 8;
    bytes[5] = other & 0xff;
    const range = OLDEST_FORMAT_VERSION === FORMAT_VERSION ? `${FORMAT_VERSION}` : `${OLDEST_FORMAT_VERSION} to ${FORMAT_VERSION}`;
    expect(() => loads(bytes)).toThrow(SnapshotError);
    expect(() => loads(bytes)).toThrow(`snapshot format version ${other} but this reader supports ${range} (a newer spickle wrote it)`);
  });

  it("refuses a format version older than the oldest it reads", () => {
    const bytes = new Uint8Array(readFileSync(fixture));
    bytes[4] = 0;
    bytes[5] = OLDEST_FORMAT_VERSION - 1;
    expect(() => loads(bytes)).toThrow(`snapshot format version ${OLDEST_FORMAT_VERSION - 1} but this reader supports`);
    expect(() => loads(bytes)).toThrow("(an older spickle than this one reads wrote it)");
  });
});
