// Modules by value. A function of a compiled module is written with a reference to its module
// record; the record (id, hash, restore form, source map, binding kinds, imports/exports and the
// references of each site) is written once per snapshot. The values of the module-level bindings
// a function references (cloudpickle-style: only those; imports are references to the exporter's
// bindings) travel with the function, each (module, binding) once per snapshot; bindings that hold
// other functions pull in what those reference, as the encoder reaches them.
//
// Loading: in "live" mode (the default) a loaded module instance with the same id and hash is used
// as it is (its current state; nothing is written into it); in "adopt" mode such an instance takes
// the snapshot's binding values (and its classes' static state); otherwise, and always in "fresh"
// mode, a new instance is rebuilt from the restore form and the snapshot's binding values are
// written into it. A JSON module a by-value module imports travels as data (its namespace).
// `allowCode: false` refuses any snapshot that carries a module's code. The options and what an
// encode or decode met of modules are on its context (module-state.ts).

import { liveModule, ModuleRecord, moduleOf, restoreModule, type ModuleInfo, type ModuleLink, type SiteRegistry } from "@spickle/runtime";
import { SnapshotError } from "../errors.js";
import type { UpgradeLog } from "./upgrade.js";
import { HandlerList } from "../kinds/description.js";
import type { DecodeContext, EncodeContext, ObjectHandler } from "../handlers.js";
import type { ModuleDump, ModuleLoad } from "./module-state.js";

export type { ModuleDumpOptions, ModuleLoadOptions, ModuleMode, ModuleTableEntry, SerializableModules } from "./module-state.js";

function dumpState(ctx: EncodeContext): ModuleDump {
  return ctx.modules.forGraph(ctx.generation);
}

function loadState(ctx: DecodeContext): ModuleLoad {
  return ctx.modules.forGraph(ctx.generation);
}

/** Whether `record` goes by value in this encode. */
export function byValue(record: ModuleRecord, ctx: EncodeContext): boolean {
  const s = dumpState(ctx);
  let v = s.modules.get(record);
  if (v === undefined) s.modules.set(record, (v = s.byValue(record.id)));
  return v;
}

/** Binding-write items: ["b", record, name, value] | ["u", record, name] (uninitialized) |
 * ["l", record, specifier, link] | ["v", record, specifier, JSON module namespace]; each written
 * as a HandlerList (no program holds it). */
type Item = unknown[];

/** The module-level state a function of `record`'s site `siteId` needs, not yet written. */
export function bindingItems(record: ModuleRecord, siteId: string, ctx: EncodeContext): HandlerList {
  const s = dumpState(ctx);
  const items: HandlerList[] = [];
  const queue: [ModuleRecord, string][] = (Object.hasOwn(record.info.refs, siteId) ? record.info.refs[siteId]! : []).map((n) => [record, n]);
  while (queue.length > 0) {
    const [r, name] = queue.shift()!;
    let written = s.written.get(r);
    if (written === undefined) s.written.set(r, (written = new Set()));
    if (written.has(name)) continue;
    written.add(name);
    const imp = Object.hasOwn(r.info.imports, name) ? r.info.imports[name] : undefined;
    if (imp !== undefined) {
      const [spec, imported] = imp;
      const link = r.resolve(spec);
      if (link === undefined) {
        // A JSON module travels as data; a package or builtin is required on restore.
        const json = r.jsonNamespace(spec);
        if (json !== undefined) items.push(new HandlerList(["v", r, spec, json]));
        continue;
      }
      const dep = typeof link === "string" ? liveModule(link) : link;
      if (dep === undefined) continue;
      const depByValue = byValue(dep, ctx);
      items.push(new HandlerList(["l", r, spec, depByValue ? dep : dep.id]));
      if (!depByValue) continue;
      if (imported === "*") {
        for (const e of dep.exportNames()) {
          const at = dep.exportedBinding(e);
          if (at !== undefined) queue.push(at);
        }
        continue;
      }
      const at = dep.exportedBinding(imported);
      if (at === undefined) continue;
      if (at[0] !== dep) {
        // a re-export: link the chain so the restored instance can follow it
        linkChain(dep, imported, items, ctx);
      }
      queue.push(at);
      continue;
    }
    if (r.initialized(name)) items.push(new HandlerList(["b", r, name, r.read(name)], `module ${moduleName(r.id)}, variable ${name}`, 3));
    else items.push(new HandlerList(["u", r, name]));
  }
  return new HandlerList(items);
}

/** The state of the modules by value that `record`, a module used by reference, imports (directly
 * or through other modules by reference), not yet written: every initialized top-level variable
 * of each. The by-reference module's code is not in the snapshot, so which of their bindings it
 * reads is not known; a resume that loads it gives those modules this state ("adopt"), so the
 * program sees one instance of each, with the state it had. Null when there is none. */
export function importedState(record: ModuleRecord, ctx: EncodeContext): HandlerList | null {
  const s = dumpState(ctx);
  if (s.followed.has(record)) return null;
  const items: HandlerList[] = [];
  const queue = [record];
  s.followed.add(record);
  while (queue.length > 0) {
    const r = queue.shift()!;
    for (const spec of importedSpecifiers(r)) {
      const link = r.resolve(spec);
      const dep = typeof link === "string" ? liveModule(link) : link;
      if (dep === undefined || s.followed.has(dep)) continue;
      s.followed.add(dep);
      queue.push(dep);
      if (!byValue(dep, ctx)) continue;
      let written = s.written.get(dep);
      if (written === undefined) s.written.set(dep, (written = new Set()));
      for (const name of Object.keys(dep.info.vars)) {
        if (written.has(name)) continue;
        written.add(name);
        items.push(new HandlerList(dep.initialized(name) ? ["b", dep, name, dep.read(name)] : ["u", dep, name]));
      }
    }
  }
  return items.length === 0 ? null : new HandlerList(items);
}

function importedSpecifiers(record: ModuleRecord): Set<string> {
  const specs = new Set<string>(record.info.stars);
  for (const [spec] of Object.values(record.info.imports)) specs.add(spec);
  for (const e of Object.values(record.info.exports)) if (Array.isArray(e)) specs.add(e[0]);
  return specs;
}

/** A module id (its path in the project) as an import would name it. */
function moduleName(id: string): string {
  return id.startsWith(".") || id.startsWith("/") || /^[a-z][\w+.-]*:/i.test(id) ? id : `./${id}`;
}

function linkChain(from: ModuleRecord, name: string, items: HandlerList[], ctx: EncodeContext): void {
  let r: ModuleRecord | undefined = from;
  const seen = new Set<ModuleRecord>();
  while (r !== undefined && !seen.has(r)) {
    seen.add(r);
    const e: string | [string, string] | undefined = Object.hasOwn(r.info.exports, name) ? r.info.exports[name] : undefined;
    let spec: string | undefined;
    if (Array.isArray(e)) {
      spec = e[0];
      name = e[1];
    } else if (e === undefined) {
      spec = r.info.stars.find((s) => {
        const d = r!.resolve(s);
        const rec = typeof d === "string" ? liveModule(d) : d;
        return rec?.exportedBinding(name) !== undefined;
      });
    }
    if (spec === undefined) return;
    const link: ModuleLink | undefined = r.resolve(spec);
    const dep: ModuleRecord | undefined = typeof link === "string" ? liveModule(link) : link;
    if (dep === undefined) return;
    const v = byValue(dep, ctx);
    items.push(new HandlerList(["l", r, spec, v ? dep : dep.id]));
    r = v ? dep : undefined;
  }
}

/** The function registry of a module record this process made (loaded or restored); undefined
 * when it has no functions, or for an object forged with ModuleRecord.prototype (whose
 * accessors this never reads). */
export function genuineSites(record: ModuleRecord): SiteRegistry | undefined {
  const d = Object.getOwnPropertyDescriptor(record, "sites");
  const sites = d !== undefined && "value" in d ? (d.value as unknown) : undefined;
  return typeof sites === "object" && sites !== null && moduleOf(sites as SiteRegistry) === record ? (sites as SiteRegistry) : undefined;
}

/** Makes the binding writes of the load running with `ctx` go into `record`, a restored instance
 * the caller keeps across loads (a remote connection's per-connection module instances). */
export function adoptModuleInstance(record: ModuleRecord, ctx: DecodeContext): void {
  if (!record.restored) throw new Error(`spickle: module ${record.id} is a loaded module: its bindings are not written by restore`);
  loadState(ctx).fresh.add(record);
}

/** The upgrade of the load running with `ctx` (modules "upgrade"), or undefined. */
export function upgradeOf(ctx: DecodeContext): UpgradeLog | undefined {
  return loadState(ctx).upgrade;
}

/** Applies binding-write items to the module instances this load made fresh. */
export function applyItems(items: Item[], ctx: DecodeContext): void {
  const s = loadState(ctx);
  for (const item of items) {
    const r = item[1] as ModuleRecord;
    if (!s.fresh.has(r)) continue;
    if (item[0] === "b" && s.upgrade !== undefined) upgradeBinding(s.upgrade, r, item[2] as string, item[3]);
    if (item[0] === "b") r.write(item[2] as string, item[3]);
    else if (item[0] === "l") r.links.set(item[2] as string, item[3] as ModuleLink);
    else if (item[0] === "v" && r.restored) r.carried.set(item[2] as string, item[3] as Record<string, unknown>);
  }
}

/** A binding value of a changed module goes into its loaded instance too, when that one still
 * has the binding (its function declarations stay its own); otherwise it is reported. */
function upgradeBinding(log: UpgradeLog, old: ModuleRecord, name: string, value: unknown): void {
  const upgrade = log.of(old);
  if (upgrade === undefined) return;
  const { live } = upgrade;
  if (live.info.functions.includes(name)) return;
  if (!Object.hasOwn(live.info.vars, name)) {
    if (!old.info.functions.includes(name)) upgrade.removedBindings.set(name, value);
    return;
  }
  live.write(name, value);
}

/** Whether the load running with `ctx` writes the snapshot's state into `record` (a restored
 * instance, or a loaded one it adopted): then its classes and functions take the snapshot's
 * static state and properties too. */
export function loadWritesInto(record: ModuleRecord | undefined, ctx: DecodeContext): boolean {
  return record !== undefined && loadState(ctx).fresh.has(record);
}

export const moduleHandler: ObjectHandler<ModuleRecord> = {
  kind: "spickle.module",
  claims: (value) => value instanceof ModuleRecord,
  describe: (record, ctx) => {
    if (record.info.code === null) {
      ctx.fail("module", `module ${record.id} has no restore form`);
    }
    return { create: [record.writtenInfo()] };
  },
  create: ([info], ctx) => {
    const i = info as ModuleInfo;
    if (!ctx.allowCode) {
      throw new SnapshotError(`the snapshot carries code (module ${i.id}) but code is not allowed (allowCode: false)`);
    }
    const s = loadState(ctx);
    if (s.mode === "live") {
      const live = liveModule(i.id, i.hash);
      if (live !== undefined) return live;
    } else if (s.mode === "upgrade") {
      const live = liveModule(i.id);
      if (live !== undefined && !live.restored && live.hash !== i.hash && s.upgrade !== undefined) {
        if (!live.writable()) throw new SnapshotError(`module ${i.id} cannot take the checkpoint's state (its current source assigns to a top-level const)`);
        const old = restoreModule(i);
        s.fresh.add(old);
        // Its classes and functions take the snapshot's static state and properties.
        s.fresh.add(live);
        s.upgrade.pair(old, live, genuineSites(old), genuineSites(live));
        return old;
      }
    }
    if (s.mode === "adopt" || s.mode === "upgrade") {
      const live = liveModule(i.id, i.hash);
      if (live !== undefined) {
        // A second, restored instance would split the program's state silently.
        if (!live.writable()) throw new SnapshotError(`module ${i.id} is loaded by the program but cannot take the snapshot's state (it assigns to a top-level const)`);
        s.fresh.add(live);
        return live;
      }
    }
    const record = restoreModule(i);
    s.fresh.add(record);
    return record;
  },
};
