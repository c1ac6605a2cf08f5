// `spickle inspect <checkpoint> [--json]`: what a person needs to decide what to do with a
// snapshot — what it is, when and where it was made, by which versions, how big — after the whole
// file verified (a damaged file is exit 2, never a partial listing). `--json` gives the same.

import { decodeSnapshot, FORMAT_VERSION } from "@spickle/pickle";
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
  /** The whole header, as stored. */
  header: Record<string, unknown>;
}

const KNOWN = new Set(["kind", "created", "spickle", "node", "entry", "tasklets", "caller", "modules"]);

export interface ModuleEntry {
  id: string;
  hash: string;
  byValue: boolean;
}

/** The header's module table (`[id, hash, byValue]` rows), or null when absent or unknown. */
function modulesOf(value: unknown): ModuleEntry[] | null {
  if (!Array.isArray(value)) return null;
  const out: ModuleEntry[] = [];
  for (const row of value) {
    if (!Array.isArray(row) || typeof row[0] !== "string") return null;
    out.push({ id: row[0], hash: typeof row[1] === "string" ? row[1] : "", byValue: row[2] === true });
  }
  return out;
}

function str(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

export function snapshotReport(snapshot: SnapshotFile): SnapshotReport {
  const { bytes, header } = snapshot;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const signed = (bytes[6]! & 1) === 1;
  const keySet = (process.env.SPICKLE_KEY ?? "") !== "";
  const { body } = decodeSnapshot(bytes);
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
    modules: modulesOf(header.modules),
    header,
  };
}

function bytesText(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KiB", "MiB", "GiB"];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
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
    const idWidth = Math.min(60, Math.max(...r.modules.map((m) => m.id.length)));
    out += `\n  ${"MODULE".padEnd(idWidth)}  ${"HASH".padEnd(12)}  MODE\n`;
    for (const m of r.modules) {
      out += `  ${m.id.padEnd(idWidth)}  ${(m.hash.slice(0, 12) || "-").padEnd(12)}  ${m.byValue ? "by value" : "by reference"}\n`;
    }
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
