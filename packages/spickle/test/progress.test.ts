// Progress of long checkpoints and resumes: shown on a terminal only, only after a second of work,
// redrawn in place and erased at the end; fed by the pickler's progress callback.

import { describe, expect, it } from "vitest";
import { dumps, loads, type Progress } from "@spickle/pickle";
import { formatProgress, terminalProgress, type ProgressStream } from "../src/cli/progress.js";

class FakeStream implements ProgressStream {
  written: string[] = [];
  constructor(
    public isTTY: boolean,
    public columns = 80,
  ) {}
  write(text: string): boolean {
    this.written.push(text);
    return true;
  }
}

/** A clock the test moves by hand. */
function manualClock(): { now: () => number; advance: (ms: number) => void } {
  let t = 0;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

const ERASE = "\r\u001b[K";

describe("terminalProgress", () => {
  it("draws nothing when the stream is not a terminal", () => {
    expect(terminalProgress(new FakeStream(false), "checkpoint")).toBeNull();
    expect(terminalProgress({ write: () => true }, "checkpoint")).toBeNull();
  });

  it("on a terminal: nothing for the first second, then one line redrawn in place, erased at the end", () => {
    const stream = new FakeStream(true);
    const clock = manualClock();
    const line = terminalProgress(stream, "checkpoint", { now: clock.now })!;
    line.update({ records: 16384, bytes: 500_000 });
    clock.advance(999);
    line.update({ records: 32768, bytes: 1_000_000 });
    expect(stream.written).toEqual([]);
    clock.advance(1);
    line.update({ records: 49152, bytes: 2_000_000 });
    clock.advance(50); // too soon to redraw
    line.update({ records: 65536, bytes: 3_000_000 });
    clock.advance(100);
    line.update({ records: 81920, bytes: 4_500_000 });
    line.done();
    expect(stream.written).toEqual([
      `${ERASE}spickle: checkpoint: 49,152 objects, 1.9 MiB (1 s)`,
      `${ERASE}spickle: checkpoint: 81,920 objects, 4.3 MiB (1 s)`,
      ERASE,
    ]);
  });

  it("a short piece of work leaves the terminal untouched", () => {
    const stream = new FakeStream(true);
    const line = terminalProgress(stream, "resume", { now: manualClock().now })!;
    line.update({ records: 10, total: 20 });
    line.done();
    expect(stream.written).toEqual([]);
  });

  it("a line never wraps on a narrow terminal", () => {
    const stream = new FakeStream(true, 30);
    const clock = manualClock();
    const line = terminalProgress(stream, "resume", { now: clock.now, delayMs: 0 })!;
    line.update({ records: 123_456, total: 1_000_000 });
    expect(stream.written).toEqual([`${ERASE}spickle: resume: 12% (123,45…`]);
    expect(stream.written[0]!.length - ERASE.length).toBeLessThan(30);
  });
});

describe("formatProgress", () => {
  it("a decode knows its total: a percentage", () => {
    expect(formatProgress("resume", { records: 500, total: 2000 }, 2500)).toBe("spickle: resume: 25% (500 of 2,000 records, 2 s)");
  });

  it("an encode does not: objects and bytes so far", () => {
    expect(formatProgress("checkpoint", { records: 1_234_567, bytes: 45 * 1024 * 1024 }, 3200)).toBe(
      "spickle: checkpoint: 1,234,567 objects, 45 MiB (3 s)",
    );
  });
});

describe("the pickler's progress callback", () => {
  const big = Array.from({ length: 40_000 }, (_, i) => ({ i, label: `item ${i}` }));

  it("an encode reports records and bytes as it goes", () => {
    const seen: Progress[] = [];
    const bytes = dumps(big, { key: null, onProgress: (p) => seen.push(p) });
    expect(seen.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < seen.length; i++) {
      expect(seen[i]!.records).toBeGreaterThan(seen[i - 1]!.records);
      expect(seen[i]!.bytes!).toBeGreaterThan(seen[i - 1]!.bytes!);
    }
    expect(seen.at(-1)!.bytes!).toBeLessThan(bytes.length);
  });

  it("a decode reports records of the total, ending at 100%", () => {
    const bytes = dumps(big, { key: null });
    const seen: Progress[] = [];
    expect(loads(bytes, { key: null, onProgress: (p) => seen.push(p) })).toEqual(big);
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen.every((p) => p.total === seen[0]!.total)).toBe(true);
    expect(seen.at(-1)!.records).toBe(seen.at(-1)!.total);
  });

  it("a small graph makes no calls while encoding", () => {
    const seen: Progress[] = [];
    dumps({ a: [1, 2, 3] }, { key: null, onProgress: (p) => seen.push(p) });
    expect(seen).toEqual([]);
  });
});
