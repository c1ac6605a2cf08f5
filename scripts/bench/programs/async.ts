// Async workloads for the `async` suite: the same source built natively and by spickle.

async function add(a: number, b: number): Promise<number> {
  return a + b;
}

/** `n` awaits, each of a call of an async function. */
export async function awaitLoop(n: number): Promise<number> {
  let sum = 0;
  for (let i = 0; i < n; i++) sum = await add(sum, 1);
  return sum;
}

async function leaf(i: number): Promise<number> {
  await null;
  return i & 7;
}

/** `Promise.all` over `n` concurrently running async calls. */
export async function fanOut(n: number): Promise<number> {
  const tasks: Promise<number>[] = [];
  for (let i = 0; i < n; i++) tasks.push(leaf(i));
  const values = await Promise.all(tasks);
  let sum = 0;
  for (const v of values) sum += v;
  return sum;
}

/** `n` async calls suspended on one gate task; resolves the gate's waiters' sum once released. */
export function suspended(n: number, gate: Promise<number>): Promise<number>[] {
  const waiting: Promise<number>[] = [];
  const wait = async (i: number) => {
    const local = { i, label: `waiter ${i}` };
    const g = await gate;
    return local.i + g;
  };
  for (let i = 0; i < n; i++) waiting.push(wait(i));
  return waiting;
}

/** A task that never settles and holds nothing foreign: two async functions awaiting each other. */
export function gateTask(): Promise<number> {
  let other: Promise<number> | null = null;
  const gate = (async () => {
    await null;
    return await other!;
  })();
  other = (async () => {
    await null;
    return await gate;
  })();
  return gate;
}
