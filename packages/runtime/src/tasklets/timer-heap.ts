// The scheduler's timers: a binary min-heap in a plain array, ordered by (due time, sequence).

import type { TimerEntry } from "./tasklet.js";

function before(a: TimerEntry, b: TimerEntry): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

export function heapPush(heap: TimerEntry[], entry: TimerEntry): void {
  heap.push(entry);
  siftUp(heap, heap.length - 1);
}

export function heapPop(heap: TimerEntry[]): TimerEntry {
  const top = heap[0]!;
  const last = heap.pop()!;
  if (heap.length > 0) {
    heap[0] = last;
    siftDown(heap, 0);
  }
  return top;
}

export function heapRemove(heap: TimerEntry[], entry: TimerEntry): void {
  const index = heap.indexOf(entry);
  if (index < 0) return;
  const last = heap.pop()!;
  if (index === heap.length) return;
  heap[index] = last;
  siftDown(heap, index);
  siftUp(heap, index);
}

function siftUp(heap: TimerEntry[], index: number): void {
  const entry = heap[index]!;
  while (index > 0) {
    const parent = (index - 1) >> 1;
    if (!before(entry, heap[parent]!)) break;
    heap[index] = heap[parent]!;
    index = parent;
  }
  heap[index] = entry;
}

function siftDown(heap: TimerEntry[], index: number): void {
  const entry = heap[index]!;
  const length = heap.length;
  for (;;) {
    let child = 2 * index + 1;
    if (child >= length) break;
    if (child + 1 < length && before(heap[child + 1]!, heap[child]!)) child++;
    if (!before(heap[child]!, entry)) break;
    heap[index] = heap[child]!;
    index = child;
  }
  heap[index] = entry;
}
