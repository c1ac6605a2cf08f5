// Runtime objects (frames, serializable iterators, scheduler state) are plain data: their own
// string-keyed fields are what a snapshot holds; symbol-keyed fields are caches.

/** Key of a cache field that is never serialized (for example a live native iterator). */
export const TRANSIENT = Symbol("spickle.transient");

/** Optional method, called before an object's fields are read for a snapshot, that brings
 * its plain fields up to date from its TRANSIENT cache. */
export const SYNC = Symbol("spickle.sync");

const dataClasses = new Map<string, new (...args: never[]) => object>();

/** Declares a runtime class whose instances are plain data, under a stable name.
 *
 * By default its instances are *values* owned by whatever holds them (a serializable iterator
 * or a suspension op belongs to the one frame that delegates to it), so copying a frame's private
 * state copies them too. `shared: true` declares objects that are referenced by identity from
 * many places (tasklets, schedulers, channels, locks): a frame's copy keeps pointing at the same
 * one, exactly as it does for user objects. Both kinds are pickled the same way (fields). */
export function registerDataClass(
  cls: new (...args: never[]) => object,
  name: string = cls.name,
  options: { shared?: boolean } = {},
): void {
  const existing = dataClasses.get(name);
  if (existing !== undefined && existing !== cls) throw new Error(`spickle: data class name ${name} taken`);
  dataClasses.set(name, cls);
  Object.defineProperty(cls.prototype, options.shared === true ? SHARED_CLASS_NAME : DATA_CLASS_NAME, { value: name });
}
const DATA_CLASS_NAME = Symbol("spickle.dataClassName");
const SHARED_CLASS_NAME = Symbol("spickle.sharedDataClassName");

/** The registered name of a runtime data object's class when its instances are values owned by
 * whatever holds them; undefined for shared runtime objects (see `sharedDataClassName`) and for
 * any other value. */
export function dataClassName(value: object): string | undefined {
  return (value as { [DATA_CLASS_NAME]?: string })[DATA_CLASS_NAME];
}

/** The registered name of a shared runtime data object's class (a tasklet, scheduler, channel,
 * lock: referenced by identity, never copied with a frame), or undefined. */
export function sharedDataClassName(value: object): string | undefined {
  return (value as { [SHARED_CLASS_NAME]?: string })[SHARED_CLASS_NAME];
}

export function dataClass(name: string): (new (...args: never[]) => object) | undefined {
  return dataClasses.get(name);
}

/** The data fields of a runtime data object (after bringing them up to date). */
export function dataFields(value: object): Record<string, unknown> {
  (value as { [SYNC]?: () => void })[SYNC]?.();
  return { ...value } as Record<string, unknown>;
}

/** A runtime data object of class `name` with `fields`, made without running its constructor. */
export function restoreData(name: string, fields: Record<string, unknown>): object {
  const cls = dataClasses.get(name);
  if (cls === undefined) throw new Error(`spickle: unknown runtime data class ${name}`);
  return Object.assign(Object.create(cls.prototype), fields);
}
