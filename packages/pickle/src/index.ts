// @spickle/pickle: object-graph encoder/decoder, by-reference table, reducers, handlers and the
// snapshot file format. See README.md.
import "./compiled/index.js";
import { bodyHeader, encodeBody } from "./body.js";
import { decodeGraph, type DecodeOptions } from "./decoder.js";
import type { EncodeOptions } from "./encoder.js";
import { decodeSnapshot, encodeSnapshot, type SnapshotKeyOptions } from "./snapshot.js";

export { encodeGraph, Encoder, type EncodeOptions } from "./encoder.js";
export { encodeBody, bodyHeader, type EncodedBody } from "./body.js";
export type { Progress } from "./progress.js";
export { decodeGraph, Decoder, type DecodeOptions } from "./decoder.js";
export { SerializeError, SnapshotError } from "./errors.js";
export { ReferenceTable, defaultReferenceTable, type ReferenceTableOptions } from "./reference-table.js";
export { registerReducer, ReducerRegistry, defaultReducers, type Reducer, type ReducerOption, type Constructor } from "./reducers.js";
export { HandlerRegistry, defaultHandlers, type ObjectHandler, type ObjectDescription, type EncodeContext, type DecodeContext } from "./handlers.js";
export {
  encodeSnapshot, decodeSnapshot, readSnapshotFile, readSnapshotHeader, writeSnapshotFile, removeStaleTemporaries, processAlive, type WriteSnapshotFileOptions, SPICKLE_VERSION, keyOf,
  type SnapshotKeyOptions, type SnapshotParts, type VerifiedSnapshot,
} from "./snapshot.js";
export { crc32 } from "./crc32.js";
export { preparePackages, type PackageRow } from "./package-snapshot.js";
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

export { adoptModuleInstance } from "./compiled/modules.js";
export type { ModuleMode, SerializableModules, ModuleDumpOptions, ModuleLoadOptions, ModuleTableEntry } from "./compiled/module-state.js";
export { UpgradeLog, type ModuleUpgrade } from "./compiled/upgrade.js";

export interface DumpOptions extends EncodeOptions, SnapshotKeyOptions {
  /** Extra header fields (spickle and Node versions and creation time are added). */
  header?: Record<string, unknown>;
  /** Also write each module's function sites into the header (`sites`: checkpoints, for
   * `spickle diff`). */
  functionSites?: boolean;
}

export interface LoadOptions extends DecodeOptions, SnapshotKeyOptions {}

/** Serializes a value graph into snapshot bytes: encodeBody, then encodeSnapshot with a header
 * holding the module table and `options.header`. */
export function dumps(value: unknown, options: DumpOptions = {}): Uint8Array {
  const encoded = encodeBody(value, options);
  return encodeSnapshot({ header: { ...bodyHeader(encoded, options.functionSites === true), ...options.header }, body: encoded.body }, options);
}

/** Verifies snapshot bytes (length, checksum, signature when a key is set) and decodes them. */
export function loads(bytes: Uint8Array, options: LoadOptions = {}): unknown {
  return decodeGraph(decodeSnapshot(bytes, options).body, options);
}
