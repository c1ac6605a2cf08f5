// What an encode is asked to do (encoder.ts).
import type { ModuleDumpOptions } from "./compiled/module-state.js";
import type { HandlerRegistry, ObjectHandler } from "./handlers.js";
import type { Progress } from "./progress.js";
import type { ReducerOption } from "./reducers.js";
import type { ReferenceTable } from "./reference-table.js";

export interface EncodeOptions extends ModuleDumpOptions {
  /** By-reference table (default: the shared defaultReferenceTable). */
  table?: ReferenceTable;
  /** Handlers for kinds this package does not know; asked in order, before the built-in kinds.
   * An array is consulted before the process-wide defaultHandlers. */
  handlers?: HandlerRegistry | readonly ObjectHandler[];
  /** Per-call reducers, consulted before the process-wide ones. */
  reducers?: ReducerOption;
  /** Also write each reducer's restore function when it is a function of compiled code, so that a trusted
   * load in a process where the program's registerReducer calls did not run (a resumed
   * checkpoint) can use it. An untrusted load (allowCode: false) never does. Default false. */
  carryRestorers?: boolean;
  /** Called every PROGRESS_EVERY records of a long encode (without it, the cost is one compare
   * per object). */
  onProgress?: (progress: Progress) => void;
  /** Start with a walk that looks no object up (default true; see encoder.ts). It is undone and
   * the graph walked again when an ordinary object or array turns out to be shared, so `false`
   * suits graphs known to share many plain objects. The bytes are the same either way. */
  optimistic?: boolean;
}
