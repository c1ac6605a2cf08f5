// `spickle inspect <checkpoint> [--json]`: what a person needs to decide what to do with a
// snapshot — what it is, when and where it was made, by which versions, how big, its modules, its
// tasklets with their stacks and what each waits on, and what takes the space — after the whole
// file verified (a damaged file is exit 2, never a partial listing). `--json` gives the same.
//
// What the snapshot holds comes from @spickle/pickle's snapshotContents (the stacks from the
// header a checkpoint writes, see ../tasklet-stacks.ts; the objects from reading the body's bytes).
// Nothing of the snapshot is decoded into objects, so none of its code runs. Only a regular file
// is read, and only the bytes its frame declares (./snapshot-file.ts).

import { relative, resolve, sep } from "node:path";
import { FORMAT_VERSION, SnapshotError } from "@spickle/pickle";
import {
  KNOWN_HEADER_FIELDS, snapshotContents, type FrameSummary, type SnapshotContents, type TaskletSummary, type TypeStats,
} from "@spickle/pickle/contents";
import { bytesText } from "./progress.js";
import { fileProblem, readSnapshotBytes } from "./snapshot-file.js";

export interface SnapshotReport extends SnapshotContents {
  file: string;
  path: string;
}

export type { ModuleEntry } from "@spickle/pickle/contents";

/** The report on the snapshot `bytes` read from `file`; a bad snapshot is a one-line UsageError. */
export function snapshotReport(file: string, bytes: Uint8Array): SnapshotReport {
  let contents: SnapshotContents;
  try {
    contents = snapshotContents(bytes);
  } catch (error) {
    if (error instanceof SnapshotError) throw fileProblem(file, error.message.split("\n")[0]!);
    throw error;
  }
  return { file, path: resolve(file), ...contents };
}

function ago(created: string, now: Date): string {
  const ms = now.getTime() - new Date(created).getTime();
  if (!Number.isFinite(ms)) return "";
  if (ms < 0) return "in the future";
  const s = Math.round(ms / 1000);
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"} ago`;
  if (s < 60) return s < 2 ? "just now" : plural(s, "second");
  const m = Math.round(s / 60);
  if (m < 60) return plural(m, "minute");
  const h = Math.round(m / 60);
  if (h < 48) return plural(h, "hour");
  return plural(Math.round(h / 24), "day");
}

function jsonSafe(_key: string, value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Uint8Array) return `<${value.length} bytes>`;
  return value;
}

function oneLine(value: unknown, width: number): string {
  let text: string;
  try {
    text = typeof value === "string" ? value : JSON.stringify(value, jsonSafe) ?? String(value);
  } catch {
    // Nested deeper than JSON.stringify goes.
    text = Array.isArray(value) ? "[…]" : "{…}";
  }
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}

/** The human listing (ends with a newline). */
export function formatReport(r: SnapshotReport, now = new Date()): string {
  const rows: Array<[string, string]> = [];
  if (r.created !== null) {
    const when = ago(r.created, now);
    rows.push(["Created", `${r.created.replace("T", " ").replace(/\.\d+Z$/, " UTC").replace(/Z$/, " UTC")}${when ? ` (${when})` : ""}`]);
  }
  if (r.entry !== null) rows.push(["Program", r.entry]);
  if (r.kind === "checkpoint") {
    const tasklets = r.tasklets === null ? "" : `${r.tasklets} tasklet${r.tasklets === 1 ? "" : "s"} alive`;
    const paused = r.pausedIn === null ? "" : `paused in ${r.pausedIn}`;
    const state = [tasklets, paused].filter(Boolean).join(", ");
    if (state) rows.push(["Tasklets", state]);
  }
  rows.push(["Size", `${bytesText(r.size)} (${r.size.toLocaleString("en-US")} bytes; header ${bytesText(r.headerSize)}, body ${bytesText(r.bodySize)})`]);
  rows.push(["Spickle", r.spickleVersion ?? "unknown"]);
  rows.push(["Node", r.nodeVersion ?? "unknown"]);
  rows.push(["Format", `version ${r.formatVersion}${r.formatVersion === FORMAT_VERSION ? "" : ` (this spickle reads ${FORMAT_VERSION})`}`]);
  rows.push([
    "Signature",
    r.signatureVerified === null ? "none (unsigned)" : r.signatureVerified ? "HMAC-SHA256, verified with SPICKLE_KEY" : "HMAC-SHA256, not verified (SPICKLE_KEY is not set)",
  ]);
  rows.push(["Checksum", "ok (CRC-32)"]);
  if (r.modules !== null) {
    const byValue = r.modules.filter((m) => m.byValue).length;
    rows.push(["Modules", `${r.modules.length} (${byValue} by value, ${r.modules.length - byValue} by reference)`]);
  } else if (r.header.modules !== undefined) rows.push(["modules", oneLine(r.header.modules, 100)]);
  const extra = Object.keys(r.header).filter((k) => !KNOWN_HEADER_FIELDS.has(k)).sort();
  for (const key of extra) rows.push([key, oneLine(r.header[key], 100)]);
  const width = widest(rows.map(([k]) => k), 0) + 2;
  let out = `${r.kind === "checkpoint" ? "Checkpoint" : "Snapshot"} ${r.path}\n`;
  for (const [k, v] of rows) out += `  ${`${k}:`.padEnd(width)}${v}\n`;
  if (r.modules !== null && r.modules.length > 0) {
    out += `\n${table(
      ["MODULE", "HASH", "MODE", "CODE"],
      r.modules.map((m) => [m.id, m.hash.slice(0, 12) || "-", m.byValue ? "by value" : "by reference", m.codeSize === null ? "-" : bytesText(m.codeSize)]),
      [false, false, false, true],
    )}`;
  }
  if (r.stacks !== null && r.stacks.length > 0) out += `\n${formatStacks(r.stacks, r.unlistedTasklets)}`;
  if (r.objects !== null && r.objects.length > 0) out += `\n${formatObjects(r.objects)}`;
  return out;
}

/** The longest length among `cells`, at least `least` (a loop: a header may hold more rows than a
 * call takes arguments). */
function widest(cells: string[], least: number): number {
  let max = least;
  for (const cell of cells) if (cell.length > max) max = cell.length;
  return max;
}

/** Columns padded to their widest cell (right-aligned where `right`), two spaces apart. */
function table(head: string[], rows: string[][], right: boolean[]): string {
  const widths = head.map((h, i) => Math.min(60, widest(rows.map((row) => row[i]!), h.length)));
  const line = (cells: string[]) =>
    `  ${cells.map((cell, i) => (i === cells.length - 1 && !right[i] ? cell : right[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join("  ")}`.trimEnd();
  return `${[head, ...rows].map(line).join("\n")}\n`;
}

function seconds(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

/** What a tasklet waits on, in words. */
export function stateText(t: TaskletSummary): string {
  switch (t.state) {
    case "current":
      return "current (it took this checkpoint)";
    case "runnable":
      return "runnable";
    case "receiving":
      return `receiving on channel ${t.on ?? "?"}`;
    case "sending":
      return `sending on channel ${t.on ?? "?"}`;
    case "lock":
      return `waiting for lock ${t.on ?? "?"}`;
    case "sleeping":
      return t.sleepMs === undefined ? "sleeping" : `sleeping, ${seconds(t.sleepMs)} left`;
    case "io":
      return "waiting on io";
  }
}

/** A path as short as it reads well: relative to the working folder when inside it. */
function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel !== "" && !rel.startsWith(`..${sep}`) && rel !== ".." && !rel.startsWith(sep) ? rel : file;
}

const SOURCE_WIDTH = 100;

function frameLines(f: FrameSummary): string {
  if (f.file === undefined || f.line === undefined) return `      at ${f.fn}${f.module === undefined ? "" : ` (${f.module})`}\n`;
  const where = `${displayPath(f.file)}:${f.line}${f.column === undefined ? "" : `:${f.column}`}`;
  let out = `      at ${f.fn} (${where})\n`;
  if (f.source) out += `          ${f.source.length > SOURCE_WIDTH ? `${f.source.slice(0, SOURCE_WIDTH - 1)}…` : f.source}\n`;
  return out;
}

/** Each tasklet, what it waits on, and its stack as a stack trace shows it (innermost first). */
export function formatStacks(stacks: TaskletSummary[], unlisted: number): string {
  let out = "  TASKLETS\n";
  for (const t of stacks) {
    out += `  #${t.id} ${t.name}: ${stateText(t)}\n`;
    for (const f of t.frames) out += frameLines(f);
    if (t.moreFrames !== undefined) out += `      … ${t.moreFrames} more frame${t.moreFrames === 1 ? "" : "s"}\n`;
  }
  if (unlisted > 0) out += `  … ${unlisted} more tasklet${unlisted === 1 ? "" : "s"} (not listed)\n`;
  return out;
}

const OBJECT_ROWS = 8;

/** The types that take the most space. */
export function formatObjects(objects: TypeStats[]): string {
  const shown = objects.slice(0, OBJECT_ROWS);
  const rest = objects.slice(OBJECT_ROWS);
  const rows = shown.map((o) => [o.type, o.count.toLocaleString("en-US"), bytesText(o.bytes), bytesText(o.largest)]);
  let out = table(["OBJECTS BY TYPE", "COUNT", "SIZE", "LARGEST"], rows, [false, true, true, true]);
  if (rest.length > 0) {
    const bytes = rest.reduce((sum, o) => sum + o.bytes, 0);
    out += `  … ${rest.length} more type${rest.length === 1 ? "" : "s"} (${bytesText(bytes)})\n`;
  }
  return out;
}

export function formatReportJson(r: SnapshotReport): string {
  return `${JSON.stringify(r, jsonSafe, 2)}\n`;
}

export function inspectSnapshot(file: string, options: { json?: boolean }): string {
  const report = snapshotReport(file, readSnapshotBytes(file));
  return options.json ? formatReportJson(report) : formatReport(report);
}
