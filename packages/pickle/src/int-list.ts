// Growing lists of int32s for the encoder's bookkeeping (visit numbers), pooled across encodes.

/** A growing list of int32s. Lists are pooled: a graph of a million objects would otherwise
 * grow its lists from nothing, one large reallocation after another, on every encode. */
export class IntList {
  items = new Int32Array(1024);
  length = 0;

  push(x: number): void {
    if (this.length === this.items.length) this.grow();
    this.items[this.length++] = x;
  }

  private grow(): void {
    const items = new Int32Array(this.items.length * 2);
    items.set(this.items);
    this.items = items;
  }
}

/** Lists given back by finished encodes; one longer than this is dropped instead. */
const spareLists: IntList[] = [];
const KEEP_LIST = 1 << 22;

/** The lists of an encoder between graphs. */
export const NO_LIST = new IntList();

export function takeList(): IntList {
  return spareLists.pop() ?? new IntList();
}

export function giveList(list: IntList): void {
  list.length = 0;
  if (list.items.length <= KEEP_LIST && spareLists.length < 4) spareLists.push(list);
}

