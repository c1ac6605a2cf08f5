// The caller's side: `connect` to a worker — a command spoken to over its stdin/stdout (a local
// `spickle worker --stdio`, or `ssh host spickle worker --stdio`), a TCP address, or any duplex
// stream — and `remoteMethod(conn, fn)`, an async function that runs `fn` on the worker.

import type { ChildProcess } from "node:child_process";
import { childProcess, net } from "./builtins.js";
import type { Duplex, Readable } from "node:stream";
import type { SerializableModules } from "@spickle/pickle";
import { resolveKey, type Key } from "./auth.js";
import { Channel, type Transport } from "./channel.js";
import { RemoteConnectionError } from "./errors.js";
import { DEFAULT_MAX_MESSAGE_BYTES } from "./framing.js";
import { Peer, type CallOptions } from "./peer.js";
import { withCallSite } from "./error-stacks.js";
import { streamTransport } from "./worker.js";

export interface CommandTarget {
  /** The program and its arguments, e.g. ["ssh", "host", "spickle", "worker", "--stdio"]. */
  command: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** The worker's stderr (where its console output goes): passed through (default) or piped,
   * readable as `conn.stderr`. */
  stderr?: "inherit" | "pipe";
}

export interface TcpTarget {
  host: string;
  port: number;
}

export type ConnectTarget = CommandTarget | TcpTarget | Duplex;

export interface ConnectOptions {
  /** Authentication and signing key (default: SPICKLE_KEY; null: none even if it is set). A key
   * given here is required of the worker; SPICKLE_KEY is required of a TCP worker, and used
   * with a command or stream worker only if that worker has a key too (ssh and pipes are
   * channels of their own). */
  key?: Key | null;
  /** Largest message accepted from the worker once it has proved the key (bytes, default
   * 256 MiB; its handshake messages may be at most 64 KiB). */
  maxMessageBytes?: number;
  /** Milliseconds to reach the worker and complete the handshake before `connect` rejects with
   * a RemoteConnectionError (default 10,000; 0: no limit). */
  connectTimeout?: number;
  /** Which compiled modules calls carry by value (default: every one). */
  serializableModules?: SerializableModules;
  /** Problems the worker reports (a failed fire-and-forget call on an object passed by
   * reference). Default: printed on stderr. */
  onReport?: (text: string) => void;
}

/** Each connection's end of the protocol (kept off the public object). */
const peers = new WeakMap<Connection, Peer>();

/** A connection to a worker (made by `connect`). */
export class Connection {
  private readonly peer: Peer;

  /** @internal */
  constructor(
    peer: Peer,
    private readonly shutdown: () => Promise<void>,
    /** The worker's stderr, when a command target asked for `stderr: "pipe"`. */
    readonly stderr: Readable | null,
  ) {
    this.peer = peer;
    peers.set(this, peer);
  }

  /** Runs `fn(...args)` on the worker (see remoteMethod). */
  async call(fn: Function, args: unknown[], options?: CallOptions): Promise<unknown> {
    try {
      return await this.peer.call(fn, args, options);
    } catch (error) {
      throw withCallSite(error, this.call);
    }
  }

  /** Whether calls can be made. */
  get open(): boolean {
    return this.peer.isOpen;
  }

  /** Resolves when the connection has closed (from either side), with the reason. */
  get closed(): Promise<string> {
    return this.peer.closed.then(() => this.peer.closeReasonText ?? "closed");
  }

  /** Closes the connection (pending calls reject) and, for a command, waits for it to exit. */
  close(): Promise<void> {
    this.peer.close();
    return this.shutdown();
  }
}

type RemoteResult<R> = R extends Iterator<unknown, infer T, unknown> ? T : Awaited<R>;

/**
 * An async function that runs `fn` on the worker of `conn`: each call sends `fn` by value (its
 * closure, the module-level state it references, its modules' code once per connection) with the
 * arguments, and settles with the result or the error. A generator function runs as a tasklet
 * there.
 */
export function remoteMethod<F extends (...args: never[]) => unknown>(
  conn: Connection,
  fn: F,
  options: CallOptions = {},
): (...args: Parameters<F>) => Promise<RemoteResult<ReturnType<F>>> {
  const peer = conn instanceof Connection ? peers.get(conn) : undefined;
  if (peer === undefined) throw new TypeError("remoteMethod: expected a Connection (from connect)");
  if (typeof fn !== "function") throw new TypeError("remoteMethod: expected a function");
  const remote = async (...args: Parameters<F>): Promise<RemoteResult<ReturnType<F>>> => {
    try {
      return (await peer.call(fn, args, options)) as RemoteResult<ReturnType<F>>;
    } catch (error) {
      throw withCallSite(error, remote);
    }
  };
  return remote;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** Connects to a worker and completes the handshake (within `connectTimeout`). Nothing the
 * worker sends is decoded by the pickler before it has proved the key (channel.ts). */
export async function connect(target: ConnectTarget, options: ConnectOptions = {}): Promise<Connection> {
  const ms = options.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT_MS;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    if (ms > 0) timer = setTimeout(() => reject(new RemoteConnectionError(`spickle remote: no connection to ${describe(target)} within ${ms} ms`)), ms);
  });
  timedOut.catch(() => {});
  const opening = open(target);
  let opened: Opened;
  try {
    opened = await Promise.race([opening, timedOut]);
  } catch (error) {
    clearTimeout(timer);
    void opening.then((o) => o.shutdown(true), () => {});
    throw error;
  }
  const { transport, shutdown, stderr, failed } = opened;
  const channel = new Channel(transport, {
    role: "caller",
    key: resolveKey(options.key),
    keyRequired: options.key !== undefined || isTcp(target),
    maxMessageBytes: options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
  });
  try {
    await Promise.race([channel.ready, failed, timedOut]);
  } catch (error) {
    channel.close();
    await shutdown(true);
    throw error;
  } finally {
    clearTimeout(timer);
  }
  const peer = new Peer(channel, {
    role: "caller",
    peerName: channel.peerName,
    serializableModules: options.serializableModules,
    onReport: options.onReport ?? ((text) => process.stderr.write(`spickle remote: ${text}\n`)),
  });
  channel.receiver = (message) => peer.receive(message);
  channel.onClose = (reason) => peer.ended(reason);
  if (channel.isClosed) peer.ended(channel.closeReasonText ?? "closed");
  return new Connection(peer, () => shutdown(false), stderr);
}

function describe(target: ConnectTarget): string {
  if (isCommand(target)) return target.command.join(" ").slice(0, 200);
  if (isTcp(target)) return `${target.host}:${target.port}`;
  return "the stream";
}

interface Opened {
  transport: Transport;
  /** `now`: the connection failed, stop the target at once. */
  shutdown: (now: boolean) => Promise<void>;
  stderr: Readable | null;
  /** Rejects if the target fails to start (a command that cannot run). */
  failed: Promise<never>;
}

function isCommand(target: ConnectTarget): target is CommandTarget {
  return Array.isArray((target as CommandTarget).command);
}

function isTcp(target: ConnectTarget): target is TcpTarget {
  return typeof (target as TcpTarget).host === "string" && typeof (target as TcpTarget).port === "number";
}

async function open(target: ConnectTarget): Promise<Opened> {
  if (isCommand(target)) return openCommand(target);
  if (isTcp(target)) return openTcp(target);
  if (typeof (target as Duplex).write === "function" && typeof (target as Duplex).on === "function") {
    const stream = target as Duplex;
    return { transport: streamTransport(stream), shutdown: async () => {}, stderr: null, failed: new Promise<never>(() => {}) };
  }
  throw new TypeError("connect: expected { command: [...] }, { host, port } or a duplex stream");
}

function openCommand(target: CommandTarget): Opened {
  const [program, ...args] = target.command;
  if (program === undefined) throw new TypeError("connect: the command is empty");
  const child: ChildProcess = childProcess().spawn(program, args, {
    cwd: target.cwd,
    env: target.env,
    stdio: ["pipe", "pipe", target.stderr ?? "inherit"],
  });
  const exited = new Promise<string>((resolve) => {
    child.once("exit", (code, signal) => resolve(signal !== null ? `the worker was killed by ${signal}` : `the worker exited with code ${code}`));
    child.once("error", (error) => resolve(`the worker could not be started: ${error.message}`));
  });
  const failed = new Promise<never>((_, reject) => {
    child.once("error", (error) => reject(new RemoteConnectionError(`spickle remote: cannot start ${program}: ${error.message}`)));
  });
  failed.catch(() => {});
  child.stdin!.on("error", () => {}); // a dead worker: its stdout ends, and that is reported
  const transport: Transport = {
    input: child.stdout!,
    write(chunks) {
      for (const c of chunks) child.stdin!.write(c);
    },
    end: () => child.stdin!.end(),
    closeReason: () => exited,
  };
  const shutdown = async (now: boolean) => {
    if (now) child.kill("SIGTERM");
    child.stdin!.end();
    // A worker exits when its input ends; one that does not (a hung ssh) is stopped.
    const timer = setTimeout(() => child.kill("SIGTERM"), 5000);
    timer.unref();
    await exited;
    clearTimeout(timer);
  };
  return { transport, shutdown, stderr: target.stderr === "pipe" ? child.stderr : null, failed };
}

async function openTcp(target: TcpTarget): Promise<Opened> {
  const socket = net().connect({ host: target.host, port: target.port });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", (error) => reject(new RemoteConnectionError(`spickle remote: cannot connect to ${target.host}:${target.port}: ${error.message}`)));
  }).catch((error: unknown) => {
    socket.destroy();
    throw error;
  });
  socket.setNoDelay(true);
  socket.on("error", () => {}); // reported through the peer's input
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  return {
    transport: { ...streamTransport(socket), closeReason: async () => undefined },
    shutdown: async (now) => {
      if (now) socket.destroy();
      else socket.end();
      await closed;
    },
    stderr: null,
    failed: new Promise<never>(() => {}),
  };
}
