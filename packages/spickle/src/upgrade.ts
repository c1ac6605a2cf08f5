// After an upgrading load (`spickle resume --upgrade`, see @spickle/pickle's compiled/upgrade.ts):
// each changed module's `upgrade` hook runs once, with what changed and the values of the
// bindings its new source no longer has, so it can migrate its own state (rename a variable,
// fill a new field of the instances it holds); then the report says what the upgrade did.

import type { ModuleUpgrade, UpgradeLog } from "@spickle/pickle";

/** What an `upgrade(from)` hook of a module is told. */
export interface SnapshotInfo {
  /** The module's id (its path from the project root). */
  module: string;
  /** When the checkpoint was written (ISO time), when its header says. */
  created: string | undefined;
  /** The module's source hash in the checkpoint, and now. */
  fromHash: string;
  toHash: string;
  /** Function site ids whose code changed, that were added, that were removed. */
  changed: string[];
  added: string[];
  removed: string[];
  /** Module-level bindings the checkpoint had that the current source no longer declares,
   * with their values at the checkpoint. */
  removedBindings: Record<string, unknown>;
}

/** The hook a module exports as `upgrade`, if it does. */
function hookOf(upgrade: ModuleUpgrade): Function | undefined {
  const { live } = upgrade;
  if (!Object.hasOwn(live.info.exports, "upgrade")) return undefined;
  const hook = live.exported("upgrade");
  return typeof hook === "function" ? hook : undefined;
}

/** Runs the hooks (a throwing hook stops the resume, naming its module) and returns the report
 * lines: one per changed module, then what kept its old code and what was dropped. */
export function finishUpgrade(log: UpgradeLog, created: string | undefined): string[] {
  const lines: string[] = [];
  for (const upgrade of log.modules.values()) {
    const info: SnapshotInfo = {
      module: upgrade.id,
      created,
      fromHash: upgrade.old.hash,
      toHash: upgrade.live.hash,
      changed: [...upgrade.changed],
      added: [...upgrade.added],
      removed: [...upgrade.removed],
      removedBindings: Object.fromEntries(upgrade.removedBindings),
    };
    const hook = hookOf(upgrade);
    if (hook !== undefined) {
      try {
        hook(info);
      } catch (error) {
        throw new Error(`the upgrade hook of module ${upgrade.id} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    const counts = `${upgrade.changed.length} changed, ${upgrade.added.length} added, ${upgrade.removed.length} removed`;
    lines.push(`upgraded module ${upgrade.id} (functions: ${counts}${hook === undefined ? "" : "; its upgrade hook ran"})`);
    for (const id of [...upgrade.keptOld].sort()) lines.push(`  ${id.replace(/\$body$/, "")} keeps its checkpoint code in the frames suspended in it, until they return`);
    for (const id of [...upgrade.keptRemoved].filter((id) => !id.endsWith("$body")).sort()) lines.push(`  ${id} was removed from the source; the checkpoint still holds it, so it keeps its checkpoint code`);
    for (const name of [...upgrade.removedBindings.keys()].sort()) {
      lines.push(`  variable ${name} is no longer declared: its checkpoint value ${hook === undefined ? "is dropped" : "went to the upgrade hook"}`);
    }
  }
  return lines;
}
