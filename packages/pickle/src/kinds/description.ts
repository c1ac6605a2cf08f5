// What the encoder needs to know about a non-fast-path object: how to create it and how to fill
// it. Built-in kinds and user handlers both produce this shape.

export interface Description {
  /** Tag of the creating record (tags.ts). */
  tag: number;
  /** Type name used in error messages and paths ("Map", "Error", a handler kind). */
  typeName: string;
  /** Create values, written after the tag. Objects among them are encoded first. */
  create: unknown[];
  /** Fill values, written as [T_FILL, index, ...fill]; nothing is written when empty. */
  fill: unknown[];
  /** When set, `fill` holds the values of these keys and is written as an ordinary-object fill
   * record [T_FILL_OBJECT, index, {key: value}] (instances of classes, mostly). */
  fillKeys: string[] | null;
  /** Names of fill values for error paths only (handlers' `fillNames`). */
  fillNames: readonly string[] | null;
  /** May be created as soon as its create values exist (see ObjectHandler.early). */
  early: boolean;
  /** Index in `fill` where an own-property list starts, or -1 (used to name path segments). */
  propsAt: number;
}

/** A create value written as-is (bytes of a buffer), never walked as part of the graph. */
export class Raw {
  constructor(readonly value: Uint8Array | string | number) {}
}

/** A create value standing for the buffer of a view (bytes start…end of it): the encoder writes
 * only the bytes the graph's views cover, unless the buffer itself is in the graph (see
 * buffer-spans.ts). */
export class ViewedBytes {
  constructor(readonly buffer: ArrayBuffer, readonly start: number, readonly end: number) {}
}

/** A list a handler makes for its description (binding items, a property list): written as a
 * dense array and decoded as one, without the checks a program's array needs (extra
 * properties, holes, integrity), since no program holds it. */
export class HandlerList {
  /** `label`: what error paths call items[labelAt] (the name the user wrote, e.g. "module
   * ./pricing.ts, variable wallet"), instead of the path that led there. */
  constructor(readonly items: unknown[], readonly label: string | null = null, readonly labelAt = -1) {}
}

export function description(tag: number, typeName: string, create: unknown[], fill: unknown[] = [], early = true): Description {
  return { tag, typeName, create, fill, fillKeys: null, fillNames: null, early, propsAt: -1 };
}
