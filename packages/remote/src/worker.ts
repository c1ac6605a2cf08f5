// The worker: serves calls on a connection — stdin/stdout (what `ssh host spickle worker --stdio`
// gives), each TCP connection of a listener, or any stream. Each connection's channel (channel.ts)
// does the handshake and checks every message; its calls then run on the main thread (`threads:
// 0`) or on the pool thread the connection is pinned to (pool.ts).

import type { AddressInfo, Server, Socket } from "node:net";
import { availableParallelism, hostname } from "node:os";
import { net } from "./builtins.js";
import type { Duplex } from "node:stream";
import type { SerializableModules } from "@spickle/pickle";
import { isLoopback, resolveKey, type Key } from "./auth.js";
import { Calls } from "./calls.js";
import { Channel, type Transport } from "./channel.js";
import { RemoteConfigError } from "./errors.js";
import { DEFAULT_MAX_MESSAGE_BYTES, frame, PRE_AUTH_FRAME_BYTES } from "./framing.js";
import { encodeJson } from "./handshake.js";
import { Peer } from "./peer.js";
import { ThreadPool } from "./pool.js";

export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_HANDSHAKES = 64;
export const DEFAULT_CANCEL_GRACE_MS = 1_000;

export interface ServeOptions {
  /** Authentication and signing key (default: SPICKLE_KEY; null: none). */
  key?: Key | null;
  /** Largest message accepted once the caller has proved the key (bytes, default 256 MiB). */
  maxMessageBytes?: number;
  /** Largest handshake message (bytes, default 64 KiB). */
  maxHandshakeBytes?: number;
  /** Milliseconds a caller has to complete the handshake (default 10,000; 0: no limit). */
  handshakeTimeout?: number;
  /** Which modules results carry by value (default: every compiled module). */
  serializableModules?: SerializableModules;
  /** Where the worker says what happens to its connections (default: stderr). */
  log?: (line: string) => void;
  /** Worker threads that run the calls (0: the main thread). Default: the number of cores for
   * `listen`, 0 for `serve` and `serveStdio` (one connection: no thread hop per message). */
  threads?: number;
  /** Milliseconds a call may run past the timeout its caller gave before its thread is stopped
   * and replaced (threads only; default 1,000). */
  cancelGrace?: number;
}

/** One served connection. */
export interface Served {
  /** Resolves when the handshake has completed (rejects if it fails). */
  readonly ready: Promise<void>;
  /** Resolves when the connection has closed. */
  readonly closed: Promise<void>;
  /** Why it closed, once it has. */
  readonly reason: string | undefined;
  /** The protocol failure this side closed it for (a malformed or oversized message, a failed
   * handshake), if it did. */
  readonly failure: string | undefined;
  close(): void;
}

/** Serves one connection. */
export function serve(transport: Transport, options: ServeOptions = {}): Served {
  const threads = options.threads ? pool(options) : null;
  const served = serveWith(transport, options, resolveKey(options.key), threads);
  if (threads !== null) void served.closed.then(() => threads.close());
  return served;
}

function pool(options: ServeOptions): ThreadPool {
  return new ThreadPool({
    size: options.threads!,
    serializableModules: options.serializableModules,
    cancelGrace: options.cancelGrace ?? DEFAULT_CANCEL_GRACE_MS,
    log: options.log ?? logToStderr,
  });
}

function serveWith(transport: Transport, options: ServeOptions, key: Uint8Array | null, threads: ThreadPool | null): Served {
  const channel = new Channel(transport, {
    role: "worker",
    key,
    maxMessageBytes: options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
    maxHandshakeBytes: options.maxHandshakeBytes,
    handshakeTimeout: options.handshakeTimeout ?? DEFAULT_HANDSHAKE_TIMEOUT_MS,
    workerName: `pid ${process.pid} on ${hostName()}`,
  });
  void channel.ready.then(() => {
    if (threads !== null) {
      threads.attach(channel);
      return;
    }
    const peer = new Peer(channel, {
      role: "worker",
      peerName: channel.peerName,
      serializableModules: options.serializableModules,
      onReport: (text) => (options.log ?? logToStderr)(text),
    });
    peer.runner = new Calls(peer);
    channel.receiver = (message) => peer.receive(message);
    channel.onClose = (reason) => peer.ended(reason);
  }, () => {});
  return {
    ready: channel.ready,
    closed: channel.closed,
    get reason() {
      return channel.closeReasonText;
    },
    get failure() {
      return channel.failure;
    },
    close: () => channel.close(),
  };
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
  const threads = options.threads ? pool(options) : null;
  const served = serveWith(transport, options, resolveKey(options.key), threads);
  await served.closed;
  await threads?.close();
  return { reason: served.reason ?? "closed", failure: served.failure };
}

export interface ListenOptions extends ServeOptions {
  /** Default 127.0.0.1. Anything but a loopback address needs a key. */
  host?: string;
  port: number;
  /** Connections that may be in their handshake at once; more are refused at once (default 64). */
  maxHandshakes?: number;
}

export interface WorkerServer {
  readonly host: string;
  readonly port: number;
  /** Stops listening, closes every connection and stops the threads. */
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
  const threadCount = options.threads ?? availableParallelism();
  const threads = threadCount > 0 ? pool({ ...options, threads: threadCount, log }) : null;
  const maxHandshakes = options.maxHandshakes ?? DEFAULT_MAX_HANDSHAKES;
  const served = new Set<Served>();
  let handshaking = 0;
  const server: Server = net().createServer((socket: Socket) => {
    const from = `${socket.remoteAddress}:${socket.remotePort}`;
    socket.on("error", () => {}); // reported through the channel's input
    if (handshaking >= maxHandshakes) {
      log(`refused the connection from ${from}: ${maxHandshakes} connections are already in their handshake`);
      socket.end(frame(encodeJson({ fatal: "the worker is busy: too many connections are in their handshake; try again" })));
      socket.destroySoon();
      return;
    }
    socket.setNoDelay(true);
    handshaking++;
    const connection = serveWith(streamTransport(socket), { ...options, log, maxHandshakeBytes: options.maxHandshakeBytes ?? PRE_AUTH_FRAME_BYTES }, key, threads);
    served.add(connection);
    let counted = true;
    const uncount = () => {
      if (counted) handshaking--;
      counted = false;
    };
    void connection.closed.then(() => {
      uncount();
      served.delete(connection);
      if (connection.failure !== undefined) log(`closed the connection from ${from}: ${connection.failure}`);
      // The reason goes out, then the end of the stream; what the peer still sends is read and
      // dropped (destroying a socket with unread input resets it, and the peer may lose the
      // reason), for at most a second.
      socket.end();
      const timer = setTimeout(() => socket.destroy(), 1000);
      timer.unref();
      socket.once("end", () => socket.destroy());
    });
    // Counted until the handshake ends, either way.
    connection.ready.then(uncount, uncount);
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
    close: async () => {
      for (const connection of served) connection.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await threads?.close();
    },
  };
}

function logToStderr(line: string): void {
  process.stderr.write(`spickle worker: ${line}\n`);
}

function hostName(): string {
  try {
    return hostname();
  } catch {
    return "localhost";
  }
}
