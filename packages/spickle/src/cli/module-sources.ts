// Before a resume uses modules by reference, their sources must be the ones the checkpoint was
// written with: a frame's position is a position in its module's code, so a by-reference module
// that changed would resume frames at positions in other code. The header's module table rows are
// `[id, sha256 of the source, byValue, file URL?]`.
//
// - before the program's entry is imported: each by-reference module's file (its URL in the row)
//   is read and hashed; a missing or changed file is refused, naming the module;
// - after it is imported: each module the process loaded is compared with its row (this covers
//   rows without a URL, and a module carried by value that the by-reference modules import: the
//   program would run both versions side by side).

import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { liveModule } from "@spickle/runtime";

export interface ModuleRow {
  id: string;
  hash: string;
  byValue: boolean;
  url: string | undefined;
}

/** The header's module table as rows (malformed rows are skipped: the decoder reports them). */
export function moduleRows(header: Record<string, unknown>): ModuleRow[] {
  const table = header.modules;
  if (!Array.isArray(table)) return [];
  const rows: ModuleRow[] = [];
  for (const row of table) {
    if (!Array.isArray(row) || typeof row[0] !== "string" || typeof row[1] !== "string") continue;
    rows.push({ id: row[0], hash: row[1], byValue: row[2] === true, url: typeof row[3] === "string" ? row[3] : undefined });
  }
  return rows;
}

const short = (hash: string) => hash.slice(0, 12);

function sourceHash(path: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
  // The compiler hashes the source text as it read it (UTF-8).
  return createHash("sha256").update(text).digest("hex");
}

/** Why the by-reference modules' sources cannot be used as they are now, or undefined. */
export function changedSource(rows: ModuleRow[]): string | undefined {
  for (const row of rows) {
    if (row.byValue || row.url === undefined || !row.url.startsWith("file:")) continue;
    const path = fileURLToPath(row.url);
    const now = sourceHash(path);
    if (now === undefined) return `module ${row.id} (${path}) is missing; this checkpoint uses it by reference`;
    if (now !== row.hash) return changedMessage(row, now);
  }
  return undefined;
}

/** Why the modules this process loaded do not match the checkpoint's, or undefined. */
export function changedLoadedModule(rows: ModuleRow[]): string | undefined {
  for (const row of rows) {
    const loaded = liveModule(row.id);
    if (loaded === undefined || liveModule(row.id, row.hash) !== undefined) continue;
    if (!row.byValue) return changedMessage(row, loaded.hash);
    return (
      `module ${row.id} changed since the checkpoint (hash ${short(row.hash)}…, now ${short(loaded.hash)}…); ` +
      `the checkpoint carries it by value, but the program's by-reference modules import the changed source`
    );
  }
  return undefined;
}

function changedMessage(row: ModuleRow, now: string): string {
  return `module ${row.id} changed since the checkpoint (hash ${short(row.hash)}…, now ${short(now)}…); it is used by reference: restore the source it was written with`;
}
