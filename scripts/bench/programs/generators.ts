// Generator workloads of the `generators` benchmark suite. This file is built three ways by
// generators.bench.mjs: compiled by spickle, types stripped only (native V8 generators), and stock
// Babel regenerator. Each workload is one exported function that returns a number, so the
// harness can check that the three builds compute the same result and nothing is optimized away.
// Keep values small integers (Smis) so every build does the same arithmetic.

// (a) A range of `n` yields, consumed with for-of.
function* range(n: number): Generator<number, void, undefined> {
  for (let i = 0; i < n; i++) yield i;
}

export function rangeForOf(n: number): number {
  let sum = 0;
  for (const value of range(n)) sum = (sum + value) | 0;
  return sum;
}

// (b) A generator with several locals updated at every step, resumed through next().
function* mixer(steps: number, seed: number): Generator<number, number, undefined> {
  let state = seed | 0;
  let low = 0;
  let high = 1;
  let checks = 0;
  let last = 0;
  for (let step = 0; step < steps; step++) {
    state = (Math.imul(state, 1103515245) + 12345) | 0;
    low = (low + (state & 0xffff)) & 0xfffff;
    high = (high ^ (state >>> 16)) & 0xffff;
    if ((state & 7) === 0) checks++;
    last = (low + high + checks) & 0x3fff;
    yield last;
  }
  return checks;
}

export function manyLocals(steps: number): number {
  const iterator = mixer(steps, 42);
  let sum = 0;
  for (;;) {
    const result = iterator.next();
    if (result.done) return (sum + result.value) | 0;
    sum = (sum + result.value) | 0;
  }
}

// (c) In-order walk of a binary tree by recursive yield* (one generator per node).
export interface TreeNode {
  value: number;
  left: TreeNode | null;
  right: TreeNode | null;
}

function* walk(node: TreeNode): Generator<number, void, undefined> {
  if (node.left !== null) yield* walk(node.left);
  yield node.value;
  if (node.right !== null) yield* walk(node.right);
}

export function treeWalk(root: TreeNode): number {
  let sum = 0;
  for (const value of walk(root)) sum = (sum + value) | 0;
  return sum;
}

// (d) Several generators resumed round-robin, like tasklets under a scheduler.
function* worker(id: number, steps: number): Generator<number, void, undefined> {
  let acc = id;
  for (let step = 0; step < steps; step++) {
    acc = (acc * 31 + step) & 0xffff;
    yield acc;
  }
}

export function roundRobin(count: number, totalSteps: number): number {
  const perWorker = Math.floor(totalSteps / count);
  const workers: Generator<number, void, undefined>[] = [];
  for (let id = 0; id < count; id++) workers.push(worker(id, perWorker));
  let sum = 0;
  for (let step = 0; step < perWorker; step++) {
    for (let index = 0; index < count; index++) {
      sum = (sum + (workers[index]!.next().value as number)) | 0;
    }
  }
  return sum;
}

// (e) Long computations between suspensions, the usual shape of a tasklet: a yield-free hot loop in
// a generator body (integer arithmetic, an array scan, a Map update), and a numeric kernel that
// yields every 10,000 iterations.
function* hotLoopBody(n: number): Generator<number, number, undefined> {
  const data: number[] = [];
  for (let i = 0; i < 1024; i++) data.push((i * 7919) & 0x3ff);
  const counts = new Map<number, number>();
  let acc = 0;
  let scanned = 0;
  for (let i = 0; i < n; i++) {
    acc = (Math.imul(acc, 31) + i) | 0;
    const value = data[i & 1023]!;
    if (value > 512) scanned++;
    if ((i & 63) === 0) {
      const key = (acc ^ value) & 63;
      counts.set(key, ((counts.get(key) ?? 0) + 1) | 0);
    }
  }
  yield acc;
  let total = scanned;
  for (let key = 0; key < 64; key++) total = (total + key * (counts.get(key) ?? 0)) | 0;
  return total;
}

export function hotLoop(n: number): number {
  const iterator = hotLoopBody(n);
  const first = iterator.next().value;
  return (first + iterator.next().value) | 0;
}

function* kernelBody(n: number): Generator<number, number, undefined> {
  let x = 1;
  let y = 0;
  let acc = 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) | 0;
    y = (y + (x >>> 20)) & 0xffffff;
    acc = (acc + (y ^ i)) | 0;
    if (i % 10_000 === 9_999) yield acc;
  }
  return acc;
}

export function kernel(n: number): number {
  const iterator = kernelBody(n);
  let sum = 0;
  for (;;) {
    const result = iterator.next();
    if (result.done) return (sum + result.value) | 0;
    sum = (sum + result.value) | 0;
  }
}

// Other generator shapes, run before timing in the suite's "megamorphic" pass only: a real program
// has many generator functions, so the call sites inside a shared driver (spickle's runtime,
// regenerator's helper) see many bodies and frames. Native generators resume through V8 builtins
// and do not share feedback this way. The result is checked like the workloads'.
function* shapeCount(n: number) {
  for (let i = 0; i < n; i++) yield i;
}
function* shapeAccumulate(n: number) {
  let total = 0;
  for (let i = 0; i < n; i++) {
    total += i;
    yield total & 0xff;
  }
}
function* shapeStrings(n: number) {
  let text = "";
  for (let i = 0; i < n; i++) {
    text = `item ${i}`;
    yield text.length;
  }
}
function* shapeFinally(n: number) {
  let closed = 0;
  for (let i = 0; i < n; i++) {
    try {
      yield i;
    } finally {
      closed++;
    }
  }
  return closed;
}
function* shapeDelegate(n: number) {
  const inner = yield* shapeFinally(n);
  yield inner;
}
function* shapeCountdown(n: number) {
  for (let i = n; i > 0; i--) yield i * 2;
}
function* shapeObject(n: number) {
  const box = { key: 0 };
  for (let i = 0; i < n; i++) {
    box.key = i;
    yield box.key;
  }
}
function* shapeReceive(n: number): Generator<number, void, number | undefined> {
  let received = 0;
  while (received < n) {
    const sent = yield received;
    received += sent === undefined ? 1 : sent;
  }
}

export function otherShapes(): number {
  const shapes = [shapeCount, shapeAccumulate, shapeStrings, shapeFinally, shapeDelegate, shapeCountdown, shapeObject, shapeReceive];
  let sum = 0;
  for (const shape of shapes) {
    for (let round = 0; round < 50; round++) {
      const iterator = shape(40) as Generator<number, unknown, number | undefined>;
      for (let result = iterator.next(); !result.done; result = iterator.next(2)) sum = (sum + result.value) | 0;
    }
  }
  return sum;
}
