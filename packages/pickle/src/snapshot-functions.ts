// The function sites a checkpoint holds, read from its header alone (after the whole snapshot
// verified; nothing decoded, no code run): each module's sites (id → source hash, kind, line,
// captured-variable paths, class fields), how many frames of each site are suspended over all
// tasklets, and the listed stacks. `spickle diff` compares them with the sources on disk; the
// body is not read, so a checkpoint of many tasklets is compared as fast as a small one.

import type { SiteIdentity } from "@spickle/runtime";
import { SnapshotError } from "./errors.js";

export interface FunctionTables {
  created: string | null;
  entry: string | null;
  /** Module id → source hash, whether its code is in the snapshot, its file URL. */
  modules: { id: string; hash: string; byValue: boolean; url: string | undefined }[];
  /** Module id → its sites; a module missing here was compiled before sites were recorded. */
  sites: Record<string, Record<string, SiteIdentity>>;
  /** Site id → suspended frames of it over every tasklet (null: the snapshot does not say). */
  suspended: Record<string, number> | null;
}

const own = (value: object, name: string): unknown => (Object.hasOwn(value, name) ? (value as Record<string, unknown>)[name] : undefined);

function siteOf(value: unknown): SiteIdentity | null {
  if (typeof value !== "object" || value === null) return null;
  const h = own(value, "h");
  const k = own(value, "k");
  const l = own(value, "l");
  if (typeof h !== "string" || typeof k !== "string" || typeof l !== "number") return null;
  const site: SiteIdentity = { h, k, l };
  const s = own(value, "s");
  const f = own(value, "f");
  if (Array.isArray(s) && s.every((x) => typeof x === "string")) site.s = s as string[];
  if (Array.isArray(f) && f.every((x) => typeof x === "string")) site.f = f as string[];
  return site;
}

/** The function tables of a snapshot header; malformed ones are a one-line SnapshotError. */
export function functionTables(header: object): FunctionTables {
  const modules: FunctionTables["modules"] = [];
  const rows = own(header, "modules");
  if (Array.isArray(rows)) {
    for (const row of rows) {
      if (!Array.isArray(row) || typeof row[0] !== "string" || typeof row[1] !== "string") throw new SnapshotError("the snapshot's module table is malformed");
      modules.push({ id: row[0], hash: row[1], byValue: row[2] === true, url: typeof row[3] === "string" ? row[3] : undefined });
    }
  }
  const sites: FunctionTables["sites"] = {};
  const table = own(header, "sites");
  if (typeof table === "object" && table !== null) {
    for (const [moduleId, entries] of Object.entries(table)) {
      if (typeof entries !== "object" || entries === null) continue;
      const out: Record<string, SiteIdentity> = {};
      for (const [id, value] of Object.entries(entries)) {
        const site = siteOf(value);
        if (site !== null) out[id] = site;
      }
      sites[moduleId] = out;
    }
  }
  let suspended: Record<string, number> | null = null;
  const counts = own(header, "suspended");
  if (typeof counts === "object" && counts !== null) {
    suspended = {};
    for (const [id, n] of Object.entries(counts)) if (typeof n === "number") suspended[id] = n;
  }
  const created = own(header, "created");
  const entry = own(header, "entry");
  return {
    created: typeof created === "string" ? created : null,
    entry: typeof entry === "string" ? entry : null,
    modules,
    sites,
    suspended,
  };
}
