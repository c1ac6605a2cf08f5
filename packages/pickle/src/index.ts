// @spickle/pickle: object-graph encoder/decoder, by-reference table, reducers, handlers and the
// snapshot file format. See README.md.
import "./compiled/index.js";
import { decodeGraph, type DecodeOptions } from "./decoder.js";
import { Encoder, type EncodeOptions } from "./encoder.js";
import { decodeSnapshot, encodeSnapshot, type SnapshotKeyOptions } from "./snapshot.js";
import { withDumpOptions, withLoadOptions, type ModuleDumpOptions, type ModuleLoadOptions } from "./compiled/modules.js";

export { encodeGraph, Encoder, type EncodeOptions, type Progress } from "./encoder.js";
export { decodeGraph, Decoder, type DecodeOptions } from "./decoder.js";
export { SerializeError, SnapshotError } from "./errors.js";
export { ReferenceTable, defaultReferenceTable, type ReferenceTableOptions } from "./reference-table.js";
export { registerReducer, ReducerRegistry, defaultReducers, type Reducer, type ReducerOption, type Constructor } from "./reducers.js";
export { HandlerRegistry, defaultHandlers, type ObjectHandler, type ObjectDescription, type EncodeContext, type DecodeContext } from "./handlers.js";
export {
  encodeSnapshot, decodeSnapshot, readSnapshotHeader, writeSnapshotFile, removeStaleTemporaries, processAlive, type WriteSnapshotFileOptions, SPICKLE_VERSION, keyOf,
  type SnapshotKeyOptions, type SnapshotParts,
} from "./snapshot.js";
export { crc32 } from "./crc32.js";
export {
  FORMAT_VERSION, OLDEST_FORMAT_VERSION, readFrame, writeFrame, sealFrame, frameSize, readFramePrefix, declaredFrameSize, FLAG_SIGNED, MAC_LENGTH, PREFIX as FRAME_PREFIX,
  type FrameLayout, type FramePrefix,
} from "./frame.js";
export { readFrameFile } from "./frame-file.js";
// What `spickle inspect` shows: snapshotContents and bodyContents are in "@spickle/pickle/contents"
// (src/snapshot-contents.ts), kept off the import of this module that every resume pays for.
export type { BodyContents, TypeStats } from "./body-contents.js";
export type {
  SnapshotContents, ModuleEntry, FrameSummary, TaskletState, TaskletSummary, TaskletsSummary,
} from "./snapshot-contents.js";
export { MessageCodec, type MessageCodecOptions, type MessageHeader } from "./messages.js";
export {
  restoreReadStream, restoreWriteStream, restoreFileHandle, RestoredFileHandle,
  type ReadStreamState, type WriteStreamState, type FileHandleState,
} from "./host-restore.js";
export { setTortureMode, tortureRequested } from "./torture.js";

export { UpgradeLog, type ModuleUpgrade } from "./compiled/upgrade.js";
export { adoptModuleInstance, type ModuleMode, type SerializableModules, type ModuleDumpOptions, type ModuleLoadOptions } from "./compiled/modules.js";

export interface DumpOptions extends EncodeOptions, SnapshotKeyOptions, ModuleDumpOptions {
  /** Extra header fields (spickle and Node versions and creation time are added). */
  header?: Record<string, unknown>;
  /** Also write each module's function sites into the header (`sites`: checkpoints, for
   * `spickle diff`). */
  functionSites?: boolean;
}

export interface LoadOptions extends DecodeOptions, SnapshotKeyOptions, ModuleLoadOptions {}

/** Serializes a value graph into snapshot bytes. */
export function dumps(value: unknown, options: DumpOptions = {}): Uint8Array {
  return withDumpOptions(options, (modules) =>
    // The body is read where the encoder wrote it: the snapshot is its only copy.
    new Encoder(options).encodeWith(value, (body) => {
      // The module table: ids, source hashes, whether each module's code is in the snapshot, and
      // the module's file URL where it has one.
      const met = modules();
      const rows = met.map((m) => (m.url === undefined ? [m.id, m.hash, m.byValue] : [m.id, m.hash, m.byValue, m.url]));
      // Each module's function sites (ids and source hashes): `spickle diff` reads them here.
      const sites = options.functionSites === true ? Object.fromEntries(met.flatMap((m) => (m.sites === undefined ? [] : [[m.id, m.sites]]))) : {};
      const header = met.length > 0 ? { modules: rows, ...(Object.keys(sites).length > 0 ? { sites } : {}), ...options.header } : options.header;
      return encodeSnapshot({ header, body }, options);
    }),
  );
}

/** Verifies snapshot bytes (length, checksum, signature when a key is set) and decodes them. */
export function loads(bytes: Uint8Array, options: LoadOptions = {}): unknown {
  const { body } = decodeSnapshot(bytes, options);
  return withLoadOptions(options, () => decodeGraph(body, options));
}
