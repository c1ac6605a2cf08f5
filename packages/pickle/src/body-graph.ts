// The object graph of an indexed body (body-index.ts) as a heap profiler sees it: which entries
// the root reaches, the shortest path from the root to each (the retainer path: why an object is
// in the snapshot), and retained sizes from the dominator tree (what would leave the snapshot
// with an object). All walks are iterative over typed arrays: a body of millions of entries.
import type { BodyIndex } from "./body-index.js";

export interface BodyGraph {
  /** Parent of each entry on a shortest path from the root (-1: the root, -2: unreachable). */
  parent: Int32Array;
  /** Immediate dominator of each reachable entry (the root dominates itself; -1: unreachable). */
  dominator: Int32Array;
  /** Bytes of each entry plus those of every entry it dominates. */
  retained: Float64Array;
  /** Entries the root reaches. */
  reachable: number;
}

/** Breadth-first parents from the root: the shortest retainer path of every entry. */
function shortestParents(index: BodyIndex): Int32Array {
  const parent = new Int32Array(index.count).fill(-2);
  if (index.root < 0) return parent;
  const queue = new Uint32Array(index.count);
  let head = 0;
  let tail = 0;
  parent[index.root] = -1;
  queue[tail++] = index.root;
  while (head < tail) {
    const v = queue[head++]!;
    for (let e = index.edgeStart[v]!; e < index.edgeStart[v + 1]!; e++) {
      const w = index.edgeTo[e]!;
      if (parent[w] !== -2) continue;
      parent[w] = v;
      queue[tail++] = w;
    }
  }
  return parent;
}

/** Depth-first post-order of the entries the root reaches. */
function postOrder(index: BodyIndex): Uint32Array {
  const order = new Uint32Array(index.count);
  let n = 0;
  if (index.root < 0) return order.subarray(0, 0);
  const visited = new Uint8Array(index.count);
  const stack = new Uint32Array(index.count);
  const next = new Uint32Array(index.count); // next edge to follow of each entry on the stack
  let top = 0;
  stack[top++] = index.root;
  visited[index.root] = 1;
  next[index.root] = index.edgeStart[index.root]!;
  while (top > 0) {
    const v = stack[top - 1]!;
    const end = index.edgeStart[v + 1]!;
    let pushed = false;
    while (next[v]! < end) {
      const w = index.edgeTo[next[v]!++]!;
      if (visited[w] === 0) {
        visited[w] = 1;
        next[w] = index.edgeStart[w]!;
        stack[top++] = w;
        pushed = true;
        break;
      }
    }
    if (!pushed) {
      order[n++] = v;
      top--;
    }
  }
  return order.subarray(0, n);
}

/** Predecessors as compressed rows (reachable entries only). */
function predecessors(index: BodyIndex, rank: Int32Array): { start: Uint32Array; from: Uint32Array } {
  const start = new Uint32Array(index.count + 1);
  for (let v = 0; v < index.count; v++) {
    if (rank[v]! < 0) continue;
    for (let e = index.edgeStart[v]!; e < index.edgeStart[v + 1]!; e++) start[index.edgeTo[e]! + 1]!++;
  }
  for (let i = 0; i < index.count; i++) start[i + 1]! += start[i]!;
  const pos = start.slice(0, index.count);
  const from = new Uint32Array(start[index.count]!);
  for (let v = 0; v < index.count; v++) {
    if (rank[v]! < 0) continue;
    for (let e = index.edgeStart[v]!; e < index.edgeStart[v + 1]!; e++) from[pos[index.edgeTo[e]!]!++] = v;
  }
  return { start, from };
}

/**
 * Dominators by the iterative algorithm of Cooper, Harvey and Kennedy ("A Simple, Fast Dominance
 * Algorithm"), over post-order ranks; then retained sizes summed up the dominator tree.
 */
export function bodyGraph(index: BodyIndex): BodyGraph {
  const parent = shortestParents(index);
  const order = postOrder(index);
  const rank = new Int32Array(index.count).fill(-1);
  for (let i = 0; i < order.length; i++) rank[order[i]!] = i;
  const preds = predecessors(index, rank);
  // idom by rank; the root has the highest rank.
  const idom = new Int32Array(order.length).fill(-1);
  const rootRank = order.length - 1;
  if (rootRank >= 0) idom[rootRank] = rootRank;
  let changed = rootRank >= 0;
  while (changed) {
    changed = false;
    for (let r = rootRank - 1; r >= 0; r--) {
      const v = order[r]!;
      let best = -1;
      for (let e = preds.start[v]!; e < preds.start[v + 1]!; e++) {
        const p = rank[preds.from[e]!]!;
        if (p < 0 || idom[p] === -1) continue;
        if (best === -1) {
          best = p;
          continue;
        }
        let a = p;
        let b = best;
        while (a !== b) {
          while (a < b) a = idom[a]!;
          while (b < a) b = idom[b]!;
        }
        best = a;
      }
      if (best !== -1 && idom[r] !== best) {
        idom[r] = best;
        changed = true;
      }
    }
  }
  const dominator = new Int32Array(index.count).fill(-1);
  const retained = new Float64Array(index.count);
  for (let r = 0; r < order.length; r++) {
    const v = order[r]!;
    dominator[v] = order[idom[r]!]!;
    retained[v] = index.size[v]!;
  }
  // Post-order: every entry comes before its dominator, so its retained size is complete first.
  for (let r = 0; r < rootRank; r++) {
    const v = order[r]!;
    retained[dominator[v]!] += retained[v]!;
  }
  return { parent, dominator, retained, reachable: order.length };
}

/** The entries from the root down to `entry` along its shortest retainer path (empty when the
 * root does not reach it). */
export function retainerPath(graph: BodyGraph, entry: number): number[] {
  if (graph.parent[entry] === -2) return [];
  const path: number[] = [];
  for (let v = entry; v >= 0; v = graph.parent[v]!) path.push(v);
  return path.reverse();
}

/** Bytes retained by the objects of each type (index of typeNames): the sum of the retained sizes
 * of those objects that no other object of their type dominates (so nothing counts twice). */
export function retainedByType(index: BodyIndex, graph: BodyGraph): Float64Array {
  const out = new Float64Array(index.typeNames.length);
  if (index.root < 0) return out;
  // The dominator tree's children, as compressed rows.
  const start = new Uint32Array(index.count + 1);
  for (let v = 0; v < index.count; v++) if (graph.dominator[v]! >= 0 && v !== index.root) start[graph.dominator[v]! + 1]!++;
  for (let i = 0; i < index.count; i++) start[i + 1]! += start[i]!;
  const pos = start.slice(0, index.count);
  const children = new Uint32Array(start[index.count]!);
  for (let v = 0; v < index.count; v++) if (graph.dominator[v]! >= 0 && v !== index.root) children[pos[graph.dominator[v]!]!++] = v;
  // Depth-first, counting the open ancestors of each type.
  const open = new Uint32Array(index.typeNames.length);
  const stack = new Int32Array(index.count * 2 + 2);
  let top = 0;
  stack[top++] = index.root;
  while (top > 0) {
    const item = stack[--top]!;
    if (item < 0) {
      open[index.type[~item]!]!--;
      continue;
    }
    const type = index.type[item]!;
    if (open[type] === 0) out[type] += graph.retained[item]!;
    open[type]!++;
    stack[top++] = ~item;
    for (let e = start[item]!; e < start[item + 1]!; e++) stack[top++] = children[e]!;
  }
  return out;
}

/** The `count` entries of largest retained size (the root left out), largest first. */
export function largestRetained(index: BodyIndex, graph: BodyGraph, count: number): number[] {
  const top: number[] = [];
  for (let v = 0; v < index.count; v++) {
    if (v === index.root || graph.dominator[v] === -1) continue;
    const r = graph.retained[v]!;
    if (top.length === count && r <= graph.retained[top[top.length - 1]!]!) continue;
    let lo = 0;
    let hi = top.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (graph.retained[top[mid]!]! >= r) lo = mid + 1;
      else hi = mid;
    }
    top.splice(lo, 0, v);
    if (top.length > count) top.pop();
  }
  return top;
}
