// A snapshot's body with what its header says about it: the middle of a checkpoint (README "How
// it works"). encodeBody writes the graph and reports what the walk met — the compiled modules
// (the header's module table) and the tasklets (a checkpoint's stacks) — so the caller builds the
// header from plain results, after the body, and hands both to encodeSnapshot.
import type { Tasklet } from "@spickle/runtime";
import type { ModuleTableEntry } from "./compiled/module-state.js";
import { Encoder, type EncodeOptions } from "./encoder.js";
import { collectPackages } from "./package-index.js";
import { packageRows, type PackageRow } from "./package-snapshot.js";
import { withRegistrations } from "./registrations.js";
import { BODY_HEADER_ROOM, Writer } from "./writer.js";

export interface EncodedBody {
  /** The body bytes. encodeSnapshot takes them over (the array is emptied once copied into the
   * snapshot, and its memory serves the next encode). */
  body: Uint8Array;
  /** The compiled modules the graph's functions come from, and whether each went by value. */
  modules: ModuleTableEntry[];
  /** The tasklets in the graph, in the order met. */
  tasklets: Tasklet[];
  /** The npm packages the graph names by reference, loaded before a decode (preparePackages). */
  packages: PackageRow[];
}

/** Encodes the graph under `root` (options: the encoder's, modules by value included). */
export function encodeBody(root: unknown, options: EncodeOptions = {}): EncodedBody {
  const encoder = new Encoder(options);
  const out = new Writer();
  const packages = new Set<string>();
  let body: Uint8Array;
  try {
    out.begin(BODY_HEADER_ROOM);
    // A checkpoint carries the program's registrations (see registrations.ts).
    const graph = options.carryRestorers === true ? withRegistrations(root) : root;
    collectPackages(packages, () => encoder.write(graph, out));
    body = out.takeBody(BODY_HEADER_ROOM);
  } finally {
    out.release();
  }
  return { body, modules: encoder.modules.table(), tasklets: encoder.tasklets, packages: packageRows(packages) };
}

export interface BodyHeader {
  modules?: unknown[][];
  sites?: Record<string, unknown>;
  packages?: PackageRow[];
}

/** The header fields a body makes: `modules`, rows of [id, hash, byValue, url?] (snapshot-contents.ts
 * reads them back); with `functionSites`, `sites`, each module's function sites (ids and source
 * hashes: `spickle diff` reads them); and `packages`, rows of [specifier, folder]
 * (preparePackages reads them); each absent when empty. */
export function bodyHeader(encoded: Pick<EncodedBody, "modules" | "packages">, functionSites = false): BodyHeader {
  const header: BodyHeader = {};
  const { modules, packages } = encoded;
  if (modules.length > 0) header.modules = modules.map((m) => (m.url === undefined ? [m.id, m.hash, m.byValue] : [m.id, m.hash, m.byValue, m.url]));
  if (functionSites) {
    const sites = modules.flatMap((m) => (m.sites === undefined ? [] : [[m.id, m.sites] as const]));
    if (sites.length > 0) header.sites = Object.fromEntries(sites);
  }
  if (packages.length > 0) header.packages = packages;
  return header;
}
