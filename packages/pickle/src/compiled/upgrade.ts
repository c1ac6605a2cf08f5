// Loading a checkpoint onto code that changed since (`spickle resume --upgrade`). The program's
// modules are loaded from the current sources first; each module the snapshot carries whose source
// changed is then restored from the snapshot too (its *old* instance), and paired with the loaded
// (*new*) one:
//   - a function whose site hash is unchanged is made from the new module;
//   - a generator's state machine whose hash changed stays on the old code: the frames suspended
//     in it finish there, while new calls (through the new module's bindings) get the new code;
//   - any other changed function (a closure, a method's class) is made from the new module when
//     the captured variables its new code reads are in the snapshot's scope, and refused by name
//     and site otherwise; a class, when the fields its old definition declared are still declared
//     (and its `#private` fields are the same, in order);
//   - binding values go into the new module for the bindings it still has (not its function
//     declarations, which are its own); the others are reported, with their values, for the
//     module's `upgrade` hook.
// The log collects what happened, for the report and the hooks (run by the caller, after the load).

import { recreate, type ModuleRecord, type Scope, type SiteIdentity, type SiteRegistry } from "@spickle/runtime";
import { SnapshotError } from "../errors.js";

/** What an upgrade did to one module. */
export interface ModuleUpgrade {
  id: string;
  /** The instance restored from the snapshot (old code) and the one loaded from the sources. */
  old: ModuleRecord;
  live: ModuleRecord;
  oldSites: SiteRegistry | undefined;
  liveSites: SiteRegistry | undefined;
  /** Sites whose hash changed, that the sources added, that they removed (by id). */
  changed: string[];
  added: string[];
  removed: string[];
  /** State machines kept on their old code (frames suspended in a changed function). */
  keptOld: Set<string>;
  /** Removed functions or classes the snapshot still holds: they keep their old code. */
  keptRemoved: Set<string>;
  /** Values of the module-level bindings the new source no longer has. */
  removedBindings: Map<string, unknown>;
}

/** Collected during one upgrading load; read by the caller afterwards. */
export class UpgradeLog {
  readonly modules = new Map<ModuleRecord, ModuleUpgrade>();

  /** Pairs the snapshot's instance of a changed module with the loaded one. */
  pair(old: ModuleRecord, live: ModuleRecord, oldSites: SiteRegistry | undefined, liveSites: SiteRegistry | undefined): void {
    const before = old.info.sites ?? {};
    const after = live.info.sites ?? {};
    // A generator's state machine (`…$body`) counts as its function.
    const owner = (id: string) => (id.endsWith("$body") ? id.slice(0, -"$body".length) : id);
    const changed = new Set<string>();
    const removed = new Set<string>();
    for (const id of Object.keys(before)) {
      if (!Object.hasOwn(after, id)) removed.add(owner(id));
      else if (after[id]!.h !== before[id]!.h) changed.add(owner(id));
    }
    const added = [...new Set(Object.keys(after).filter((id) => !Object.hasOwn(before, id)).map(owner))];
    this.modules.set(old, {
      id: old.id, old, live, oldSites, liveSites, changed: [...changed], added, removed: [...removed],
      keptOld: new Set(), keptRemoved: new Set(), removedBindings: new Map(),
    });
  }

  of(record: unknown): ModuleUpgrade | undefined {
    return this.modules.get(record as ModuleRecord);
  }
}

const siteOf = (record: ModuleRecord, id: string): SiteIdentity | undefined => {
  const sites = record.info.sites;
  return sites !== undefined && Object.hasOwn(sites, id) ? sites[id] : undefined;
};

/** `module.ts:line` of a site, for messages. */
function where(record: ModuleRecord, id: string): string {
  const site = siteOf(record, id);
  return site === undefined || site.l === 0 ? record.id : `${record.id}:${site.l}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** The first captured-variable path of `site` that `scope` does not hold, or undefined. */
function missingPath(site: SiteIdentity, scope: Scope | null): string | undefined {
  for (const path of site.s ?? []) {
    let at: unknown = scope;
    for (const segment of path.split(".")) {
      // Past a scope object the path reads a captured value's own fields: only a plain object's
      // are checked (a class instance or an array may have them on its prototype).
      if (!isPlainObject(at)) break;
      if (!Object.hasOwn(at, segment)) return path;
      at = at[segment];
    }
  }
  return undefined;
}

/** Readable name of a captured-variable path: its last segment. */
const variableOf = (path: string): string => path.split(".").filter((s) => s !== "$parent").pop() ?? path;

/** The function of site `id` of a paired module, made on the old or the new code. */
export function upgradedFunction(upgrade: ModuleUpgrade, id: string, scope: Scope | null): Function {
  const { old, live, oldSites, liveSites } = upgrade;
  const before = siteOf(old, id);
  const after = siteOf(live, id);
  if (oldSites === undefined) throw new SnapshotError(`the snapshot needs function ${id} of module ${old.id}, which has no functions`);
  if (after === undefined || liveSites === undefined) {
    upgrade.keptRemoved.add(id);
    return recreate(id, scope, oldSites);
  }
  if (before !== undefined && before.h === after.h && before.k === "body") return recreate(id, scope, liveSites);
  if (before === undefined || before.k === "body") {
    // A changed state machine: the frames suspended in it finish on the code they started with.
    upgrade.keptOld.add(id);
    return recreate(id, scope, oldSites);
  }
  const missing = missingPath(after, scope);
  if (missing !== undefined) {
    // What it captured, by the names the old code read them by.
    const held = [...new Set((before.s ?? []).map(variableOf))].join(", ") || "nothing";
    throw new SnapshotError(
      `cannot upgrade function ${id} (${where(live, id)}): its new code reads captured variable ${variableOf(missing)}, ` +
        `which the checkpoint's closure does not have (it captured: ${held})`,
    );
  }
  return recreate(id, scope, liveSites);
}

/** Whether class `id`'s instances (and its scope, for a class made in a function) fit its new
 * definition; a SnapshotError naming it if not. */
export function checkClassFits(upgrade: ModuleUpgrade, id: string, scope: Scope | null): void {
  const before = siteOf(upgrade.old, id);
  const after = siteOf(upgrade.live, id);
  if (before === undefined || after === undefined || before.h === after.h) return;
  const missing = missingPath(after, scope);
  if (missing !== undefined) {
    throw new SnapshotError(`cannot upgrade class ${id} (${where(upgrade.live, id)}): its new code reads captured variable ${variableOf(missing)}, which the checkpoint's class scope does not have`);
  }
  const now = new Set(after.f ?? []);
  const gone = (before.f ?? []).filter((f) => !f.startsWith("#") && !now.has(f));
  const privateBefore = (before.f ?? []).filter((f) => f.startsWith("#")).join(",");
  const privateAfter = (after.f ?? []).filter((f) => f.startsWith("#")).join(",");
  if (gone.length > 0) {
    throw new SnapshotError(`cannot upgrade class ${id} (${where(upgrade.live, id)}): its new definition no longer declares field${gone.length > 1 ? "s" : ""} ${gone.join(", ")}`);
  }
  if (privateBefore !== privateAfter) {
    throw new SnapshotError(`cannot upgrade class ${id} (${where(upgrade.live, id)}): its #private fields changed (${privateBefore || "none"} → ${privateAfter || "none"})`);
  }
}
