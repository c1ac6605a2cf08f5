// What an encode or a decode knows about compiled modules: its options, and what it has met so
// far. Each lives on its context (Encoder.modules, Decoder.modules), made from the call's options,
// so the handlers of compiled code (modules.ts) read them from the context they are handed.

import type { ModuleInfo, ModuleRecord } from "@spickle/runtime";
import type { UpgradeLog } from "./upgrade.js";

/** "live": reuse a loaded instance with the same id and hash as it is; "fresh": rebuild every
 * instance from the snapshot; "adopt": a loaded instance with the same id and hash that can be
 * written takes the snapshot's state (a resume that loaded the program's by-reference modules,
 * which import it), the others are rebuilt; "upgrade": as "adopt", and a loaded instance of
 * another hash (the current source) takes the state too, its functions the place of the old ones
 * where they fit (see upgrade.ts). */
export type ModuleMode = "live" | "fresh" | "adopt" | "upgrade";

/** Which compiled modules go by value: every one (default), a list of ids, or a predicate. */
export type SerializableModules = boolean | readonly string[] | ((id: string) => boolean);

export interface ModuleDumpOptions {
  serializableModules?: SerializableModules;
}

export interface ModuleLoadOptions {
  /** "live" (default), "fresh", "adopt" or "upgrade" (see ModuleMode). */
  modules?: ModuleMode;
  /** With modules "upgrade": collects what the upgrade did (required for that mode). */
  upgrade?: UpgradeLog;
}

/** The module table of a snapshot header: every compiled module a snapshot's functions come from. */
export interface ModuleTableEntry {
  id: string;
  hash: string;
  byValue: boolean;
  /** The module's file URL when it was loaded from a file (a resume checks a by-reference module's
   * source there before loading it). */
  url: string | undefined;
  /** The module's function sites (id → identity), when its compiler recorded them. */
  sites: ModuleInfo["sites"];
}

function predicate(option: SerializableModules | undefined): (id: string) => boolean {
  if (option === undefined || option === true) return () => true;
  if (option === false) return () => false;
  if (typeof option === "function") return option;
  const set = new Set(option);
  return (id) => set.has(id);
}

/** An encoder's module state. The by-value answers are kept for the encoder's life (also the
 * snapshot header's module table); what was written is kept per graph. */
export class ModuleDump {
  readonly byValue: (id: string) => boolean;
  /** Whether each module met goes by value. */
  readonly modules = new Map<ModuleRecord, boolean>();
  /** Bindings already written in this graph, per module record. */
  readonly written = new Map<ModuleRecord, Set<string>>();
  /** Modules whose imports were followed in this graph for modules by value (see importedState). */
  readonly followed = new Set<ModuleRecord>();
  private generation: number | undefined;

  constructor(option: SerializableModules | undefined) {
    this.byValue = predicate(option);
  }

  /** This state for the graph `generation` of its encoder: a new graph has written nothing. */
  forGraph(generation: number | undefined): this {
    if (generation !== this.generation) {
      this.generation = generation;
      if (this.written.size > 0) this.written.clear();
      if (this.followed.size > 0) this.followed.clear();
    }
    return this;
  }

  /** The modules met, for the snapshot header. */
  table(): ModuleTableEntry[] {
    return [...this.modules].map(([r, byValue]) => ({ id: r.id, hash: r.hash, byValue, url: r.info.url, sites: r.info.sites }));
  }
}

/** A decoder's module state: the mode, and the instances the graph being read writes into. */
export class ModuleLoad {
  mode: ModuleMode;
  /** With mode "upgrade": what the upgrade did. */
  readonly upgrade: UpgradeLog | undefined;
  /** Module instances this graph writes binding values into (restored, or adopted). */
  readonly fresh = new Set<ModuleRecord>();
  private generation: number | undefined;

  constructor(options: ModuleLoadOptions) {
    this.mode = options.modules ?? "live";
    this.upgrade = options.upgrade;
  }

  /** This state for the graph `generation` of its decoder: a new graph writes into nothing yet. */
  forGraph(generation: number | undefined): this {
    if (generation !== this.generation) {
      this.generation = generation;
      if (this.fresh.size > 0) this.fresh.clear();
    }
    return this;
  }
}
