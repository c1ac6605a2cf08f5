// The worker: serves calls on a connection — stdin/stdout (what `ssh host spickle worker --stdio`
// gives), each TCP connection of a listener, or any stream. A call's function runs as it is:
// plain and async functions are called and awaited, compiled generator functions run as the main
// tasklet of their own scheduler (they may use channels, sleep, io…). Calls overlap freely.

import type { AddressInfo, Server, Socket } from "node:net";
import { net } from "./builtins.js";
import type { Duplex } from "node:stream";
import { isCompiledGeneratorFunction, Scheduler } from "@spickle/runtime";
import type { SerializableModules } from "@spickle/pickle";
import { isLoopback, resolveKey, type Key } from "./auth.js";
import { RemoteConfigError } from "./errors.js";
import { DEFAULT_MAX_MESSAGE_BYTES } from "./framing.js";
import { Peer, type CallRunner, type Transport } from "./peer.js";

export interface ServeOptions {
  /** Authentication and signing key (default: SPICKLE_KEY; null: none). */
  key?: Key | null;
  /** Largest message accepted (bytes, default 512 MiB). */
  maxMessageBytes?: number;
  /** Which modules results carry by value (default: every compiled module). */
  serializableModules?: SerializableModules;
  /** Where the worker says what happens to its connections (default: stderr). */
  log?: (line: string) => void;
}

interface RunningCall {
  scheduler: Scheduler | null;
  cancelled: boolean;
}

class Calls implements CallRunner {
  private readonly running = new Map<number, RunningCall>();

  constructor(private readonly peer: Peer) {}

  run(id: number, fn: unknown, args: unknown[]): void {
    const call: RunningCall = { scheduler: null, cancelled: false };
    this.running.set(id, call);
    invoke(fn, args, call).then(
      (value) => {
        this.running.delete(id);
        if (!call.cancelled) this.peer.reply(id, value);
      },
      (error: unknown) => {
        this.running.delete(id);
        if (!call.cancelled) this.peer.replyError(id, error);
      },
    );
  }

  cancel(id: number): void {
    const call = this.running.get(id);
    if (call === undefined) return;
    call.cancelled = true;
    // A tasklet stops at its next switch point; a plain async function runs on, unheard.
    call.scheduler?.main?.kill();
  }

  closed(): void {
    for (const id of [...this.running.keys()]) this.cancel(id);
  }
}

async function invoke(fn: unknown, args: unknown[], call: RunningCall): Promise<unknown> {
  if (typeof fn !== "function") throw new TypeError(`spickle worker: the call carried ${fn === null ? "null" : typeof fn}, not a function`);
  if (isCompiledGeneratorFunction(fn)) {
    const scheduler = new Scheduler();
    call.scheduler = scheduler;
    return scheduler.run(fn as (...a: unknown[]) => Iterator<unknown, unknown, unknown>, ...args);
  }
  return (fn as (...a: unknown[]) => unknown)(...args);
}

/** Serves one connection; resolves with the peer once the connection is set up. */
export function serve(transport: Transport, options: ServeOptions = {}): Peer {
  const peer = new Peer(transport, {
    role: "worker",
    key: resolveKey(options.key),
    maxMessageBytes: options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
    serializableModules: options.serializableModules,
    onReport: (text) => (options.log ?? logToStderr)(text),
  });
  peer.runner = new Calls(peer);
  return peer;
}

/** A transport over a socket or any other duplex stream. */
export function streamTransport(stream: Duplex): Transport {
  return {
    input: stream,
    write(chunks) {
      if (chunks.length === 1) {
        stream.write(chunks[0]!);
        return;
      }
      stream.cork();
      for (const c of chunks) stream.write(c);
      stream.uncork();
    },
    end: () => stream.end(),
  };
}

/**
 * Serves one connection on stdin/stdout. From here on, whatever the process writes to stdout —
 * `console.log`, `process.stdout.write` — goes to stderr, so it reaches the caller's terminal
 * (ssh and `connect({ command })` pass stderr through) and never corrupts the message stream.
 * Resolves when the connection has closed: `failure` is set when this side closed it for a
 * protocol error (a malformed or oversized message, a failed handshake).
 */
export async function serveStdio(options: ServeOptions = {}): Promise<{ reason: string; failure: string | undefined }> {
  const stdout = process.stdout;
  const writeMessage = stdout.write.bind(stdout) as (chunk: Uint8Array) => boolean;
  stdout.write = process.stderr.write.bind(process.stderr) as typeof stdout.write;
  const transport: Transport = {
    input: process.stdin,
    write(chunks) {
      for (const c of chunks) writeMessage(c);
    },
    end: () => stdout.end(),
  };
  const peer = serve(transport, options);
  await peer.closed;
  return { reason: peer.closeReasonText ?? "closed", failure: peer.failure };
}

export interface ListenOptions extends ServeOptions {
  /** Default 127.0.0.1. Anything but a loopback address needs a key. */
  host?: string;
  port: number;
}

export interface WorkerServer {
  readonly host: string;
  readonly port: number;
  /** Stops listening and closes every connection. */
  close(): Promise<void>;
}

/** Listens for TCP connections and serves each (loopback only, unless a key is configured). */
export async function listen(options: ListenOptions): Promise<WorkerServer> {
  const host = options.host ?? "127.0.0.1";
  const key = resolveKey(options.key);
  if (key === null && !isLoopback(host)) {
    throw new RemoteConfigError(
      `spickle worker: refusing to listen on ${host} without a key (whoever reaches it could run code here); ` +
        "set SPICKLE_KEY on both sides, or listen on 127.0.0.1",
    );
  }
  const log = options.log ?? logToStderr;
  const peers = new Set<Peer>();
  const server: Server = net().createServer((socket: Socket) => {
    const from = `${socket.remoteAddress}:${socket.remotePort}`;
    const peer = serve(streamTransport(socket), { ...options, key, log });
    peers.add(peer);
    socket.on("error", () => {}); // reported through the peer's input
    void peer.closed.then(() => {
      peers.delete(peer);
      if (peer.failure !== undefined) log(`closed the connection from ${from}: ${peer.failure}`);
      socket.destroySoon();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return {
    host: address.address,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const peer of peers) peer.close();
        server.close(() => resolve());
      }),
  };
}

function logToStderr(line: string): void {
  process.stderr.write(`spickle worker: ${line}\n`);
}
