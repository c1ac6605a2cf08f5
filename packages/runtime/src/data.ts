// Runtime objects (frames, serializable iterators, scheduler state) are plain data: their own
// string-keyed fields are what a snapshot holds. Two symbols refine that contract.

/** Key of a cache field that is never serialized (for example a live native iterator). */
export const TRANSIENT = Symbol("spickle.transient");

/** Optional method, called before an object's fields are read for a snapshot, that brings
 * its plain fields up to date from its TRANSIENT cache. */
export const SYNC = Symbol("spickle.sync");
