// `spickle inspect <checkpoint> [--json]`: what a person needs to decide what to do with a
// snapshot — what it is, when and where it was made, by which versions, how big, its modules, its
// tasklets with their stacks and what each waits on, and what takes the space — after the whole
// file verified (a damaged file is exit 2, never a partial listing). `--json` gives the same.
//
// The stacks come from the header (a checkpoint writes them, see ../stacks.ts); the object counts
// from reading the body's bytes (./snapshot-contents.ts). Nothing of the snapshot is decoded into
// objects, so none of its code runs.

import { relative, sep } from "node:path";
import { decodeSnapshot, FORMAT_VERSION } from "@spickle/pickle";
import type { FrameSummary, TaskletState, TaskletSummary } from "../stacks.js";
import { bytesText } from "./progress.js";
import { bodyContents, type TypeStats } from "./snapshot-contents.js";
import { readSnapshotFile, type SnapshotFile } from "./snapshot-file.js";

export interface SnapshotReport {
  file: string;
  path: string;
  kind: string;
  size: number;
  headerSize: number;
  bodySize: number;
  formatVersion: number;
  signed: boolean;
  /** true: checked against SPICKLE_KEY; false: signed but no key to check it with; null: unsigned. */
  signatureVerified: boolean | null;
  created: string | null;
  spickleVersion: string | null;
  nodeVersion: string | null;
  entry: string | null;
  tasklets: number | null;
  pausedIn: string | null;
  /** Modules the snapshot refers to (null: the header has no module table). */
  modules: ModuleEntry[] | null;
  /** Live tasklets with their stacks, innermost frame first (null: the header has none). */
  stacks: TaskletSummary[] | null;
  /** Live tasklets the header does not list. */
  unlistedTasklets: number;
  /** What the body holds, by type, largest total first (null: a body format this spickle does
   * not read). */
  objects: TypeStats[] | null;
  /** The whole header, as stored. */
  header: Record<string, unknown>;
}

const KNOWN = new Set(["kind", "created", "spickle", "node", "entry", "tasklets", "caller", "modules", "stacks"]);

export interface ModuleEntry {
  id: string;
  hash: string;
  byValue: boolean;
  /** Bytes its code, source map and tables take in the snapshot (null: by reference). */
  codeSize: number | null;
}

/** The header's module table (`[id, hash, byValue]` rows), or null when absent or unknown. */
function modulesOf(value: unknown, sizes: Record<string, number>): ModuleEntry[] | null {
  if (!Array.isArray(value)) return null;
  const out: ModuleEntry[] = [];
  for (const row of value) {
    if (!Array.isArray(row) || typeof row[0] !== "string") return null;
    const id = row[0];
    out.push({ id, hash: typeof row[1] === "string" ? row[1] : "", byValue: row[2] === true, codeSize: Object.hasOwn(sizes, id) ? sizes[id]! : null });
  }
  return out;
}

function str(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

function num(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

const STATES = new Set<TaskletState>(["current", "runnable", "receiving", "sending", "lock", "sleeping", "io"]);

function frameOf(value: unknown): FrameSummary | null {
  if (typeof value !== "object" || value === null || typeof (value as FrameSummary).fn !== "string") return null;
  const f = value as Record<string, unknown>;
  const frame: FrameSummary = { fn: f.fn as string };
  if (typeof f.module === "string") frame.module = f.module;
  if (typeof f.file === "string" && num(f.line) !== undefined) {
    frame.file = f.file;
    frame.line = num(f.line);
    frame.column = num(f.column);
    frame.source = str(f.source) ?? undefined;
  }
  return frame;
}

function taskletOf(value: unknown): TaskletSummary | null {
  if (typeof value !== "object" || value === null) return null;
  const t = value as Record<string, unknown>;
  const id = num(t.id);
  if (id === undefined || typeof t.name !== "string" || !STATES.has(t.state as TaskletState) || !Array.isArray(t.frames)) return null;
  const summary: TaskletSummary = { id, name: t.name, state: t.state as TaskletState, frames: t.frames.map(frameOf).filter((f) => f !== null) };
  if (num(t.on) !== undefined) summary.on = num(t.on);
  if (num(t.sleepMs) !== undefined) summary.sleepMs = num(t.sleepMs);
  if (num(t.moreFrames) !== undefined) summary.moreFrames = num(t.moreFrames);
  return summary;
}

/** The header's tasklet stacks (written by checkpoints), checked field by field. */
function stacksOf(value: unknown): { stacks: TaskletSummary[] | null; unlisted: number } {
  const v = value as { list?: unknown; more?: unknown } | null | undefined;
  if (typeof v !== "object" || v === null || !Array.isArray(v.list)) return { stacks: null, unlisted: 0 };
  return { stacks: v.list.map(taskletOf).filter((t) => t !== null), unlisted: num(v.more) ?? 0 };
}

export function snapshotReport(snapshot: SnapshotFile): SnapshotReport {
  const { bytes, header } = snapshot;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const signed = (bytes[6]! & 1) === 1;
  const keySet = (process.env.SPICKLE_KEY ?? "") !== "";
  const { body } = decodeSnapshot(bytes);
  const contents = bodyContents(body);
  const { stacks, unlisted } = stacksOf(header.stacks);
  return {
    file: snapshot.file,
    path: snapshot.path,
    kind: str(header.kind) ?? "value",
    size: bytes.length,
    headerSize: view.getUint32(8),
    bodySize: body.length,
    formatVersion: view.getUint16(4),
    signed,
    signatureVerified: signed ? keySet : null,
    created: str(header.created),
    spickleVersion: str(header.spickle),
    nodeVersion: str(header.node),
    entry: str(header.entry),
    tasklets: typeof header.tasklets === "number" ? header.tasklets : null,
    pausedIn: str(header.caller),
    modules: modulesOf(header.modules, contents?.moduleBytes ?? {}),
    stacks,
    unlistedTasklets: unlisted,
    objects: contents?.types ?? null,
    header,
  };
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
  const text = typeof value === "string" ? value : JSON.stringify(value, jsonSafe) ?? String(value);
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
  const extra = Object.keys(r.header).filter((k) => !KNOWN.has(k)).sort();
  for (const key of extra) rows.push([key, oneLine(r.header[key], 100)]);
  const width = Math.max(...rows.map(([k]) => k.length)) + 2;
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

/** Columns padded to their widest cell (right-aligned where `right`), two spaces apart. */
function table(head: string[], rows: string[][], right: boolean[]): string {
  const widths = head.map((h, i) => Math.min(60, Math.max(h.length, ...rows.map((row) => row[i]!.length))));
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
  const report = snapshotReport(readSnapshotFile(file));
  return options.json ? formatReportJson(report) : formatReport(report);
}
