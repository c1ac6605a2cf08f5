// Runs an async corpus case to quiescence and returns its complete event log: the program's own
// entries (to the module's `log`), unhandled rejections and late handlers as Node reports them,
// and the outcome of `run()`. Vitest's own unhandled-rejection listeners are set aside meanwhile
// (a corpus program may leave a rejection unhandled on purpose).

import type { AsyncCase } from "./async-case.js";

export type Event = unknown;

export function describeValue(value: unknown): unknown {
  if (value instanceof Error) return { error: value.constructor.name, message: value.message };
  if (value instanceof Promise) return "<promise>";
  if (typeof value === "function") return `<function ${value.name}>`;
  return value;
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Runs `body` with Node's rejection events logged to `log` instead of reaching vitest. */
export async function withRejectionListeners<T>(log: Event[], body: () => Promise<T>): Promise<T> {
  const saved = {
    unhandledRejection: process.listeners("unhandledRejection"),
    rejectionHandled: process.listeners("rejectionHandled"),
  };
  for (const name of ["unhandledRejection", "rejectionHandled"] as const) process.removeAllListeners(name);
  const onUnhandled = (reason: unknown) => log.push(["unhandled", describeValue(reason)]);
  const onHandled = () => log.push(["handled late"]);
  process.on("unhandledRejection", onUnhandled);
  process.on("rejectionHandled", onHandled);
  try {
    return await body();
  } finally {
    process.off("unhandledRejection", onUnhandled);
    process.off("rejectionHandled", onHandled);
    for (const [name, listeners] of Object.entries(saved)) for (const l of listeners) process.on(name, l as never);
  }
}

/** Runs `gcase` with `log` as its module's log; resolves with the whole log once nothing is pending. */
export async function traceAsync(gcase: AsyncCase, log: Event[]): Promise<Event[]> {
  log.length = 0;
  return withRejectionListeners(log, async () => {
    try {
      const result = gcase.run();
      log.push(["returned", describeValue(result)]);
      if (result instanceof Promise) {
        // `then`, not `await`: native code awaiting a compiled task adopts it as a thenable (two
        // ticks later than a native promise); a `then` callback runs in the same tick for both.
        await new Promise<void>((done) => {
          result.then(
            (value) => { log.push(["resolved", describeValue(value)]); done(); },
            (error: unknown) => { log.push(["rejected", describeValue(error)]); done(); },
          );
        });
      }
    } catch (error) {
      log.push(["threw", describeValue(error)]);
    }
    for (let i = 0; i < 3; i++) await turn();
    return [...log];
  });
}
