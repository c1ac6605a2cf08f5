// The worker's threads. Each authenticated connection is pinned to one thread of the pool (the
// one holding the fewest connections when it opened): its module instances, the objects passed
// by reference and its calls live there, so a module's code still goes once per connection and
// a reference call reaches the state it belongs to. The main thread keeps the sockets, the
// handshake and the MACs (channel.ts) and relays authenticated messages both ways; so one
// CPU-bound call holds up only the connections of its own thread. A call whose caller gave a
// timeout and that is still running `cancelGrace` ms after it is stopped: its thread is
// terminated and replaced, and the connections pinned to it are closed, saying why (their state
// went with the thread).

import type { Worker } from "node:worker_threads";
import { createRequire } from "node:module";
import type { SerializableModules } from "@spickle/pickle";
import type { Channel } from "./channel.js";

const require = createRequire(import.meta.url);

/** Messages between the main thread and a pool thread (`c`: the connection's number). */
export type ToThread =
  | { k: "open"; c: number; peerName: string }
  | { k: "message"; c: number; b: Uint8Array }
  | { k: "closed"; c: number; reason: string };

export type FromThread =
  | { k: "send"; c: number; b: Uint8Array }
  | { k: "fail"; c: number; text: string }
  | { k: "closeWith"; c: number; reason: string }
  | { k: "close"; c: number }
  | { k: "started"; c: number; id: number; ms: number }
  | { k: "ended"; c: number; id: number }
  | { k: "report"; c: number; text: string };

export interface ThreadData {
  serializableModules: SerializableModules | undefined;
}

export interface PoolOptions {
  size: number;
  serializableModules?: SerializableModules;
  /** Milliseconds a call may run past its timeout before its thread is replaced. */
  cancelGrace: number;
  log(line: string): void;
}

interface Slot {
  worker: Worker;
  connections: Map<number, Channel>;
  /** Timers of the calls with a timeout, by connection and call id. */
  deadlines: Map<string, ReturnType<typeof setTimeout>>;
  stopped: boolean;
}

/** Where the thread's code is: next to this file once built; from the sources, in dist/. */
const fromSources = import.meta.url.endsWith(".ts");

function threadScript(): URL {
  return fromSources ? new URL("../dist/thread.js", import.meta.url) : new URL("./thread.js", import.meta.url);
}

export class ThreadPool {
  private readonly slots: Slot[] = [];
  private nextConnection = 0;
  private closing = false;

  constructor(private readonly options: PoolOptions) {
    if (typeof options.serializableModules === "function") {
      throw new TypeError("a worker with threads takes serializableModules as a list or boolean, not a function (it cannot be sent to a thread)");
    }
    for (let i = 0; i < options.size; i++) this.slots.push(this.start());
  }

  private start(): Slot {
    const { Worker } = require("node:worker_threads") as typeof import("node:worker_threads");
    const data: ThreadData = { serializableModules: this.options.serializableModules };
    // Run from the sources (the tests), the thread runs the built packages: without the
    // "source" export condition the tests add.
    const worker = new Worker(threadScript(), { workerData: data, stdout: true, ...(fromSources ? { execArgv: [] } : {}) });
    // Through this process's own stdout (which a stdio worker sends to stderr).
    worker.stdout.on("data", (chunk: Buffer) => process.stdout.write(chunk));
    worker.unref();
    const slot: Slot = { worker, connections: new Map(), deadlines: new Map(), stopped: false };
    worker.on("message", (m: FromThread) => this.fromThread(slot, m));
    worker.on("error", (error: Error) => this.replace(slot, `the worker thread failed: ${error.message}`));
    worker.on("exit", (code) => this.replace(slot, `the worker thread exited with code ${code}`));
    return slot;
  }

  /** Pins an open channel to the thread with the fewest connections. */
  attach(channel: Channel): void {
    let slot = this.slots[0]!;
    for (const s of this.slots) if (s.connections.size < slot.connections.size) slot = s;
    const c = ++this.nextConnection;
    slot.connections.set(c, channel);
    const post = (m: ToThread) => {
      if (!slot.stopped) slot.worker.postMessage(m);
    };
    channel.receiver = (b) => post({ k: "message", c, b });
    channel.onClose = (reason) => {
      slot.connections.delete(c);
      for (const [key, timer] of slot.deadlines) {
        if (key.startsWith(`${c}:`)) {
          clearTimeout(timer);
          slot.deadlines.delete(key);
        }
      }
      post({ k: "closed", c, reason });
    };
    post({ k: "open", c, peerName: channel.peerName });
  }

  private fromThread(slot: Slot, m: FromThread): void {
    const channel = slot.connections.get(m.c);
    if (channel === undefined) return;
    switch (m.k) {
      case "send":
        channel.send(m.b);
        return;
      case "fail":
        channel.fail(m.text);
        return;
      case "closeWith":
        channel.closeWith(m.reason);
        return;
      case "close":
        channel.close();
        return;
      case "report":
        this.options.log(m.text);
        return;
      case "started": {
        const timer = setTimeout(() => this.overran(slot, m.id, m.ms), m.ms + this.options.cancelGrace);
        timer.unref();
        slot.deadlines.set(`${m.c}:${m.id}`, timer);
        return;
      }
      case "ended": {
        const key = `${m.c}:${m.id}`;
        clearTimeout(slot.deadlines.get(key));
        slot.deadlines.delete(key);
        return;
      }
    }
  }

  private overran(slot: Slot, id: number, ms: number): void {
    this.options.log(`call ${id} ran past its timeout of ${ms} ms: stopping its thread`);
    this.replace(slot, `call ${id} ran past its timeout of ${ms} ms and was stopped; its worker thread was replaced, and this connection's state with it`);
  }

  /** Stops a thread, closes its connections with `reason`, and starts another in its place. */
  private replace(slot: Slot, reason: string): void {
    if (slot.stopped) return;
    slot.stopped = true;
    for (const timer of slot.deadlines.values()) clearTimeout(timer);
    slot.deadlines.clear();
    void slot.worker.terminate();
    for (const channel of [...slot.connections.values()]) channel.fail(reason);
    slot.connections.clear();
    const i = this.slots.indexOf(slot);
    if (i >= 0 && !this.closing) this.slots[i] = this.start();
  }

  /** Stops every thread. */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(
      this.slots.map((slot) => {
        slot.stopped = true;
        for (const timer of slot.deadlines.values()) clearTimeout(timer);
        return slot.worker.terminate();
      }),
    );
  }
}
