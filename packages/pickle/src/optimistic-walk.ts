// The optimistic walk of the encoder (encoder.ts).
//
// The identity memo costs about as much as the rest of the walk (a hash probe per reference,
// scattered over a table as large as the graph). So a walk starts optimistic: while it meets only
// ordinary objects, dense arrays and leaves, it looks nothing up. A reference is compared with the
// few innermost objects on the stack (parent pointers), and otherwise taken as new; the objects
// met are listed, and added to a Set in batches, a tight loop that proves them distinct (cheaper
// than the memo's Map, lookups and inserts interleaved with the walk). The reference table's
// plain objects go into the Set first; a small graph compares its few objects pairwise instead.
// The first object of any other kind ends the optimism (its handler may have side effects, so it
// runs once, in the exact walk): the listed objects are entered into the memo and the walk goes
// on exactly. An object listed twice — shared, or a cycle longer than the window — means the
// bytes so far are wrong: they are dropped and the graph is walked again exactly. Until then both
// walks write the same bytes.
import { NO_LIST } from "./int-list.js";
import type { ReferenceTable } from "./reference-table.js";
import type { Frame } from "./walk-frame.js";

/** Thrown when an optimistic walk finds an object twice (see above). */
export const SHARED = Symbol("shared");
/** Innermost stack frames an optimistic walk compares a reference with (object → array →
 * object: a parent pointer is two frames up, a great-grandparent six). */
export const WINDOW = 6;
/** The frame of `v` among the WINDOW innermost of the stack (the walk met it again through a
 * parent pointer), or undefined: then `v` is taken as new. */
export function nearFrameOf(v: object, stack: readonly Frame[], depth: number): Frame | undefined {
  const low = depth > WINDOW ? depth - WINDOW : 0;
  for (let d = depth - 1; d >= low; d--) if (stack[d]!.obj === v) return stack[d];
  return undefined;
}

/** Objects an optimistic walk lists before checking them in a Set. */
const BATCH = 1 << 16;
/** A list of objects met longer than this is dropped after a graph, not emptied. */
const KEEP_LISTED = 256;
/** Up to this many objects, the last check compares pairs instead (see checkLast). */
const PAIRWISE = 16;

/** The objects an optimistic walk met without looking them up, with their visit numbers, and the
 * proof that no object was met twice. */
export class ListedObjects {
  /** The objects met since the last check (listed[0…nListed-1]); all of them
   * are added to `seen`, where they are proven distinct. */
  private readonly listed: unknown[] = [];
  private nListed = 0;
  private readonly seen = new Set<unknown>();
  /** How many of the first objects in `seen` are the table's (see check). */
  private seeded = 0;
  /** The visit numbers of the objects met, in the order met. */
  visits = NO_LIST;

  constructor(private readonly table: ReferenceTable) {}

  /** Lists an object met; every BATCH objects they are checked. */
  list(v: unknown, visit: number): void {
    this.listed[this.nListed++] = v;
    this.visits.push(visit);
    if (this.nListed === BATCH) this.check();
  }

  /** Proves the objects listed since the last check distinct from each other and from those
   * before; throws SHARED if one was met twice. */
  check(): void {
    const seen = this.seen;
    // The table's plain objects go in first: one of them met by the walk is written by
    // reference, which only the exact walk does.
    if (seen.size === 0) {
      for (const o of this.table.plainObjects()) seen.add(o);
      this.seeded = seen.size;
    }
    const listed = this.listed;
    const n = this.nListed;
    const expected = seen.size + n;
    for (let i = 0; i < n; i++) seen.add(listed[i]);
    if (n <= KEEP_LISTED) listed.fill(undefined, 0, n);
    this.nListed = 0;
    if (seen.size !== expected) throw SHARED;
  }

  /** The last check of an optimistic walk. The few objects of a small graph (a message) are
   * compared pairwise, which costs less than a Set; they stay listed. */
  checkLast(): void {
    const n = this.nListed;
    if (this.seen.size > 0 || n > PAIRWISE) {
      this.check();
      return;
    }
    const listed = this.listed;
    const plain = this.table.plainObjects();
    for (let i = 0; i < n; i++) {
      const v = listed[i];
      if (plain.has(v as object)) throw SHARED;
      for (let j = 0; j < i; j++) if (listed[j] === v) throw SHARED;
    }
  }

  /** Forgets the objects listed (after a graph, or when its walk starts again). */
  forget(): void {
    // Drop the references (a large list is dropped whole: most graphs are small).
    const listed = this.listed;
    if (listed.length > KEEP_LISTED) listed.length = 0;
    else listed.fill(undefined, 0, this.nListed);
    this.nListed = 0;
    this.visits.length = 0;
    if (this.seen.size > 0) this.seen.clear();
    this.seeded = 0;
  }

  /** Ends the optimism: every object listed goes into the exact walk's memo (after the last
   * check), with its visit number. */
  enterInto(memo: Map<unknown, number>): void {
    this.checkLast();
    const visits = this.visits.items;
    let i = -this.seeded;
    for (const v of this.seen) {
      if (i >= 0) memo.set(v, visits[i]!);
      i++;
    }
    const listed = this.listed;
    for (let j = 0; j < this.nListed; j++) memo.set(listed[j], visits[i++]!);
    this.forget();
  }
}
