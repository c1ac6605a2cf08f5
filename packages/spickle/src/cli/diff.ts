// `spickle diff <checkpoint> [--json]`: what changed between a checkpoint and the program's
// sources on disk, function by function — which functions changed, were added or removed, and for
// each changed or removed one whether it is suspended on a tasklet's stack (with the stack lines
// the checkpoint lists) or only referenced (closures, classes, module state). What
// `spickle resume --upgrade` would do follows from it.
//
// The checkpoint side comes from its header alone (module table, each module's function sites,
// the suspended frames per site; @spickle/pickle's snapshotFunctions): the body is not read and
// nothing of the snapshot runs. The current side compiles each module whose source hash changed
// (the same compiler the loader uses; nothing is imported or run).

import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { SnapshotError } from "@spickle/pickle";
import { snapshotFunctions, type SnapshotFunctions, type TaskletSummary } from "@spickle/pickle/contents";
import type { SiteIdentity } from "@spickle/runtime";
import { projectRootOf } from "../loader/project.js";
import { transformEntryUrl } from "../loader/resolution.js";
import { fileProblem, readSnapshotBytes } from "./snapshot-file.js";

export type FunctionStatus = "changed" | "added" | "removed";

export interface FunctionChange {
  /** Site id (`module#path.in.module`). */
  id: string;
  status: FunctionStatus;
  kind: string;
  /** Line in the current source (added, changed) or in the checkpoint's (removed). */
  line: number;
  /** Frames of it suspended over all tasklets (0: only referenced, if at all). */
  suspended: number;
  /** The stack lines of the listed tasklets that are suspended in it. */
  stacks: string[];
  /** A class's instance fields added / no longer declared. */
  fieldsAdded?: string[];
  fieldsRemoved?: string[];
}

export type ModuleStatus = "unchanged" | "changed" | "missing" | "no-sites";

export interface ModuleDiff {
  id: string;
  status: ModuleStatus;
  /** The source file compared (absent when it could not be located). */
  file?: string;
  functions: FunctionChange[];
}

export interface CheckpointDiff {
  checkpoint: string;
  created: string | null;
  modules: ModuleDiff[];
}

type FunctionSites = (source: string, options: { filename: string; moduleId: string; sourceMaps?: boolean }) => Record<string, SiteIdentity>;

const BODY = "$body";

/** The source file of a module of the checkpoint: its recorded URL, else under the entry's project. */
function sourceFileOf(row: SnapshotFunctions["modules"][number], entry: string | null): string | undefined {
  if (row.url !== undefined && row.url.startsWith("file:")) return fileURLToPath(row.url);
  return entry === null ? undefined : join(projectRootOf(entry), row.id);
}

function stackLines(stacks: TaskletSummary[], bodyId: string): string[] {
  const lines: string[] = [];
  for (const tasklet of stacks) {
    for (const frame of tasklet.frames) {
      if (frame.site !== bodyId) continue;
      const at = frame.file !== undefined && frame.line !== undefined ? ` (${frame.module ?? frame.file}:${frame.line})` : "";
      const source = frame.source === undefined ? "" : `  ${frame.source.trim()}`;
      lines.push(`tasklet ${tasklet.id} "${tasklet.name}": at ${frame.fn}${at}${source}`);
    }
  }
  return lines;
}

/** Compares the site tables of one module; state machines (`…$body`) count for their function. */
export function compareSites(before: Record<string, SiteIdentity>, after: Record<string, SiteIdentity>, facts: Pick<SnapshotFunctions, "suspended" | "stacks">): FunctionChange[] {
  const changes: FunctionChange[] = [];
  const suspendedIn = (id: string) => (facts.suspended?.[id] ?? 0) + (facts.suspended?.[id + BODY] ?? 0);
  const stacksOf = (id: string) => stackLines(facts.stacks, id.endsWith(BODY) ? id : id + BODY);
  const changedOwners = new Set<string>();
  const ids = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const id of ids) {
    const owner = id.endsWith(BODY) ? id.slice(0, -BODY.length) : id;
    const b = Object.hasOwn(before, id) ? before[id] : undefined;
    const a = Object.hasOwn(after, id) ? after[id] : undefined;
    if (b !== undefined && a !== undefined && b.h === a.h) continue;
    if (id !== owner) {
      // A state machine changes with its function; alone, its frame layout changed.
      changedOwners.add(owner);
      continue;
    }
    const status: FunctionStatus = b === undefined ? "added" : a === undefined ? "removed" : "changed";
    const site = (a ?? b)!;
    const change: FunctionChange = { id, status, kind: site.k, line: site.l, suspended: 0, stacks: [] };
    if (status !== "added") {
      change.suspended = suspendedIn(id);
      change.stacks = stacksOf(id);
    }
    if (b?.f !== undefined && a?.f !== undefined) {
      const added = a.f.filter((f) => !b.f!.includes(f));
      const removed = b.f.filter((f) => !a.f!.includes(f));
      if (added.length > 0) change.fieldsAdded = added;
      if (removed.length > 0) change.fieldsRemoved = removed;
    }
    changes.push(change);
  }
  for (const owner of changedOwners) {
    if (changes.some((c) => c.id === owner)) continue;
    const site = after[owner] ?? before[owner];
    if (site === undefined) continue;
    changes.push({ id: owner, status: "changed", kind: site.k, line: site.l, suspended: suspendedIn(owner), stacks: stacksOf(owner) });
  }
  const order: Record<FunctionStatus, number> = { changed: 0, removed: 1, added: 2 };
  return changes.sort((x, y) => order[x.status] - order[y.status] || x.line - y.line || (x.id < y.id ? -1 : 1));
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** The diff of checkpoint `file` against the current sources. */
export async function diffCheckpoint(file: string): Promise<CheckpointDiff> {
  const bytes = readSnapshotBytes(file);
  let facts: SnapshotFunctions;
  try {
    facts = snapshotFunctions(bytes);
  } catch (error) {
    if (error instanceof SnapshotError) throw fileProblem(file, error.message);
    throw error;
  }
  let functionSites: FunctionSites | undefined;
  const modules: ModuleDiff[] = [];
  for (const row of facts.modules) {
    const path = sourceFileOf(row, facts.entry);
    let source: string | undefined;
    try {
      source = path === undefined ? undefined : readFileSync(path, "utf8");
    } catch {
      source = undefined;
    }
    const before = Object.hasOwn(facts.sites, row.id) ? facts.sites[row.id]! : undefined;
    if (source === undefined) {
      const removed = before === undefined ? [] : compareSites(before, {}, facts);
      modules.push({ id: row.id, status: "missing", ...(path === undefined ? {} : { file: path }), functions: removed });
      continue;
    }
    if (sha256(source) === row.hash) {
      modules.push({ id: row.id, status: "unchanged", file: path!, functions: [] });
      continue;
    }
    if (before === undefined) {
      modules.push({ id: row.id, status: "no-sites", file: path!, functions: [] });
      continue;
    }
    functionSites ??= ((await import(transformEntryUrl())) as { functionSites: FunctionSites }).functionSites;
    let after: Record<string, SiteIdentity>;
    try {
      after = functionSites(source, { filename: path!, moduleId: row.id, sourceMaps: false });
    } catch (error) {
      throw fileProblem(path!, `does not compile: ${(error as Error).message.split("\n")[0]}`);
    }
    modules.push({ id: row.id, status: "changed", file: path!, functions: compareSites(before, after, facts) });
  }
  return { checkpoint: file, created: facts.created, modules };
}

const shortId = (id: string) => id.slice(id.indexOf("#") + 1);

/** The diff as text: a line per module, then a line per function that changed, was added or
 * removed, with the stack lines of the suspended ones. */
export function formatDiff(diff: CheckpointDiff): string {
  const out: string[] = [];
  const changed = diff.modules.filter((m) => m.status !== "unchanged");
  out.push(`checkpoint ${diff.checkpoint}${diff.created === null ? "" : ` (written ${diff.created})`}: ${diff.modules.length} module${diff.modules.length === 1 ? "" : "s"}, ${changed.length} changed`);
  for (const m of diff.modules) {
    if (m.status === "unchanged") {
      out.push(`module ${m.id}: unchanged`);
      continue;
    }
    if (m.status === "missing") out.push(`module ${m.id}: no longer in the sources`);
    else if (m.status === "no-sites") out.push(`module ${m.id}: changed (the checkpoint records no function hashes for it: every function counts as changed)`);
    else {
      const count = (s: FunctionStatus) => m.functions.filter((f) => f.status === s).length;
      out.push(`module ${m.id}: changed (${count("changed")} changed, ${count("added")} added, ${count("removed")} removed)`);
    }
    for (const f of m.functions) {
      const where = `${m.id}:${f.line}`;
      let tail = "";
      if (f.status !== "added") tail = f.suspended > 0 ? `suspended in ${f.suspended} frame${f.suspended === 1 ? "" : "s"}` : "not on any stack (only referenced: closures, classes, module state)";
      const fields = [...(f.fieldsAdded ?? []).map((x) => `+${x}`), ...(f.fieldsRemoved ?? []).map((x) => `-${x}`)];
      out.push(`  ${f.status.padEnd(8)} ${shortId(f.id)} (${f.kind}, ${where})${tail === "" ? "" : `: ${tail}`}${fields.length === 0 ? "" : `; fields ${fields.join(" ")}`}`);
      for (const line of f.stacks) out.push(`      ${line}`);
      if (f.suspended > f.stacks.length && f.stacks.length > 0) out.push(`      … and ${f.suspended - f.stacks.length} more in tasklets not listed`);
    }
  }
  return `${out.join("\n")}\n`;
}
