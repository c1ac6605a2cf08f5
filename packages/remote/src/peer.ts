// One end of an open connection, caller or worker, at the level of messages: every message is a
// snapshot whose header says what it is (`t`) and which call it belongs to (`id`), so a body that
// cannot be decoded fails that call only. Below it, a Link (channel.ts, or a worker thread's link
// to one) has done the handshake and checked each message's MAC before it gets here.
//
//   caller → worker  call #id [timeout] [g] [fn, ...args]      cancel #id
//                    (g: fn is a generator function, to run as a tasklet: an inline one arrives
//                    without the mark its expression gave it on the caller's side)
//   worker → caller  result #id value | error #id thrown
//   either way       refcall #n { ref, method, args } → refresult #n value | referror #n thrown
//   either way       report text (a failed reference call nobody awaited), fatal text

import { isCompiledGeneratorFunction } from "@spickle/runtime";
import { defaultHandlers, MessageCodec, SerializeError, type MessageHeader, type SerializableModules } from "@spickle/pickle";
import type { Link } from "./channel.js";
import { messageOf, RemoteConnectionError, RemoteTimeoutError } from "./errors.js";
import { PREFIX_BYTES } from "./framing.js";
import { ModuleExchange } from "./modules.js";
import { pendingReferenceCall, StubTable, type PendingReferenceCall } from "./stubs.js";
import { rememberRemoteStack, userFrames } from "./error-stacks.js";

/** decodeAnswer: the body could not be decoded. */
const UNDECODED: unique symbol = Symbol("undecoded");

export interface PeerOptions {
  role: "caller" | "worker";
  /** Who the other end is, for messages ("the worker (pid 12 on host)"). */
  peerName: string;
  serializableModules?: SerializableModules;
  /** Problems the other end reports (a failed reference call nobody awaited). */
  onReport(text: string): void;
}

export interface CallOptions {
  /** Milliseconds before the call rejects with a RemoteTimeoutError (default: no limit). */
  timeout?: number;
}

/** The worker's side: runs calls (worker.ts). */
export interface CallRunner {
  /** `timeout`: the caller's limit for the call (ms), if it gave one; `generator`: the caller
   * says fn is a generator function. */
  run(id: number, fn: unknown, args: unknown[], timeout: number | undefined, generator: boolean): void;
  cancel(id: number): void;
  /** The connection closed: stop every call (nobody is left to receive results). */
  closed(): void;
}

interface PendingCall {
  resolve(value: unknown): void;
  reject(error: unknown): void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

type State = "open" | "closed";

export class Peer {
  private state: State = "open";
  private readonly modules: ModuleExchange;
  private readonly references: StubTable;
  /** This connection's messages: encoder, decoder and buffer kept from one message to the next
   * (the link authenticates them). */
  private readonly codec: MessageCodec;
  private readonly calls = new Map<number, PendingCall>();
  private readonly referenceCalls = new Map<number, PendingReferenceCall>();
  private nextCall = 0;
  private nextReferenceCall = 0;
  /** Why the connection closed (set once). */
  private reason: string | undefined;
  private closedResolve!: () => void;
  /** Resolves when the connection has closed. */
  readonly closed: Promise<void>;
  /** Who the other end is, for messages ("the worker (pid 12 on host)"). */
  peerName: string;
  runner: CallRunner | null = null;

  constructor(
    private readonly link: Link,
    private readonly options: PeerOptions,
  ) {
    this.modules = new ModuleExchange(options.role);
    this.references = new StubTable((id, method, args) => this.callReference(id, method, args));
    this.codec = new MessageCodec({
      handlers: defaultHandlers.with([this.modules.handler, this.references.handler]),
      serializableModules: options.serializableModules,
      reserve: PREFIX_BYTES,
    });
    this.peerName = options.peerName;
    this.closed = new Promise((resolve) => (this.closedResolve = resolve));
  }

  get isOpen(): boolean {
    return this.state === "open";
  }

  get isClosed(): boolean {
    return this.state === "closed";
  }

  // -------------------------------------------------------------------------------------------
  // Calls (the caller's side).

  /** Sends a call; settles with its result. Values that cannot be pickled reject it at once,
   * with their path, before anything is sent. A remote Error's stack is completed by
   * withCallSite (error-stacks.ts). */
  call(fn: unknown, args: unknown[], options: CallOptions = {}): Promise<unknown> {
    if (this.state !== "open") return Promise.reject(new RemoteConnectionError(`spickle remote: ${this.reason ?? "the connection is not open"}`));
    const id = ++this.nextCall;
    let bytes: Uint8Array;
    try {
      bytes = this.encode("call", id, [fn, ...args], true, options.timeout, isCompiledGeneratorFunction(fn));
    } catch (error) {
      return Promise.reject(error instanceof SerializeError ? inCall(error) : error);
    }
    return new Promise((resolve, reject) => {
      const timeout = options.timeout;
      const timer = timeout === undefined ? undefined : setTimeout(() => this.timedOut(id, timeout), timeout);
      this.calls.set(id, { resolve, reject, timer });
      this.write(bytes);
    });
  }

  private timedOut(id: number, ms: number): void {
    const pending = this.calls.get(id);
    if (pending === undefined) return;
    this.calls.delete(id);
    if (this.state === "open") this.send("cancel", id, null);
    pending.reject(new RemoteTimeoutError(`spickle remote: the call timed out after ${ms} ms`));
  }

  /** The value of an answer's body; UNDECODED when it cannot be decoded (the call rejects with why). */
  private decodeAnswer(body: Uint8Array, pending: { reject(error: unknown): void }): unknown {
    try {
      return this.decode(body);
    } catch (error) {
      pending.reject(error);
      return UNDECODED;
    }
  }

  private settleCall(t: "result" | "error", id: number, body: Uint8Array): void {
    const pending = this.calls.get(id);
    if (pending === undefined) return; // timed out
    this.calls.delete(id);
    if (pending.timer !== undefined) clearTimeout(pending.timer);
    const value = this.decodeAnswer(body, pending);
    if (value === UNDECODED) return;
    if (t === "result") pending.resolve(value);
    else pending.reject(this.remoteError(value));
  }

  /** A remote Error keeps its message; its stack (whose frames in restored code the worker's
   * runtime already mapped to the original sources) is kept for withCallSite. */
  private remoteError(thrown: unknown): unknown {
    if (thrown instanceof Error) {
      const stack = typeof thrown.stack === "string" ? thrown.stack : String(thrown);
      rememberRemoteStack(thrown, stack, this.peerName);
    }
    return thrown;
  }

  // -------------------------------------------------------------------------------------------
  // Replies (the worker's side).

  reply(id: number, value: unknown): void {
    if (this.state !== "open") return;
    let bytes: Uint8Array;
    try {
      bytes = this.encode("result", id, value);
    } catch (error) {
      this.replyError(id, error instanceof SerializeError ? unsendable(error) : error);
      return;
    }
    this.write(bytes);
  }

  replyError(id: number, thrown: unknown): void {
    if (this.state !== "open") return;
    this.write(this.encodeThrown("error", id, thrown));
  }

  /** A thrown value as a message; an Error loses the worker's own frames, and one that cannot
   * be pickled travels as a plain Error with its name, message and stack. */
  private encodeThrown(t: "error" | "referror", id: number, thrown: unknown): Uint8Array {
    if (thrown instanceof Error && typeof thrown.stack === "string") {
      try {
        Object.defineProperty(thrown, "stack", { value: userFrames(thrown.stack), writable: true, configurable: true, enumerable: false });
      } catch {
        // a frozen error keeps its stack
      }
    }
    try {
      return this.encode(t, id, thrown);
    } catch {
      const copy = new Error(thrown instanceof Error ? thrown.message : messageOf(thrown));
      if (thrown instanceof Error) {
        copy.name = String(thrown.name);
        copy.stack = String(thrown.stack);
      }
      return this.encode(t, id, copy);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Reference calls, both ways.

  private callReference(ref: number, method: string, args: unknown[]): Promise<unknown> {
    const pending = pendingReferenceCall(method);
    if (this.state !== "open") {
      pending.reject(new RemoteConnectionError(`spickle remote: ${this.reason ?? "the connection is not open"}`));
      return pending.promise;
    }
    const id = ++this.nextReferenceCall;
    try {
      this.send("refcall", id, { ref, method, args });
      this.referenceCalls.set(id, pending);
    } catch (error) {
      pending.reject(error);
    }
    return pending.promise;
  }

  /** Runs a call on an object this side lent, at once (so calls run in the order they came). */
  private runReferenceCall(id: number, body: Uint8Array): void {
    let result: unknown;
    try {
      const { ref, method, args } = this.decode(body) as { ref: number; method: string; args: unknown[] };
      const target = this.references.lentObject(ref) as Record<string, unknown>;
      const fn = target[method];
      if (typeof fn !== "function") throw new TypeError(`${method} is not a method of the object passed by reference`);
      result = Reflect.apply(fn, target, args);
    } catch (error) {
      this.send("referror", id, error, true);
      return;
    }
    if (result !== null && typeof (result as PromiseLike<unknown>)?.then === "function") {
      (result as PromiseLike<unknown>).then(
        (value) => this.replyReference(id, value),
        (error: unknown) => this.state === "open" && this.send("referror", id, error, true),
      );
    } else this.replyReference(id, result);
  }

  private replyReference(id: number, value: unknown): void {
    if (this.state !== "open") return;
    try {
      this.send("refresult", id, value);
    } catch (error) {
      this.send("referror", id, error, true);
    }
  }

  private settleReferenceCall(t: "refresult" | "referror", id: number, body: Uint8Array): void {
    const pending = this.referenceCalls.get(id);
    if (pending === undefined) return;
    this.referenceCalls.delete(id);
    const value = this.decodeAnswer(body, pending);
    if (value === UNDECODED) return;
    if (t === "refresult") {
      pending.resolve(value);
      return;
    }
    pending.reject(value);
    if (!pending.promise.observed) {
      this.send("report", undefined, `a call to ${pending.method}() of an object passed by reference failed and nothing awaited it: ${messageOf(value)}`);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Messages.

  /** A message in a frame: the frame prefix, then the snapshot (header `t` and `id`). */
  /** `list`: body is a list made for this message (see MessageCodec.encodeList). */
  private encode(t: string, id: number | undefined, body: unknown, list = false, timeout?: number, generator = false): Uint8Array {
    try {
      const header: MessageHeader = id === undefined ? { t } : timeout === undefined && !generator ? { t, id } : callHeader(id, timeout, generator);
      const bytes = list ? this.codec.encodeList(header, body as unknown[]) : this.codec.encode(header, body);
      this.modules.sent();
      return bytes;
    } catch (error) {
      this.modules.dropped();
      throw error;
    }
  }

  private decode(body: Uint8Array): unknown {
    return this.codec.decode(body);
  }

  /** Encodes and writes; `thrown` encodes `body` as a thrown value. */
  private send(t: string, id: number | undefined, body: unknown, thrown = false): void {
    if (this.state === "closed") return;
    this.write(thrown ? this.encodeThrown(t as "error" | "referror", id!, body) : this.encode(t, id, body));
  }

  /** Writes a message from encode() (the link fills in its frame prefix). */
  private write(framed: Uint8Array): void {
    if (this.state === "closed") return;
    this.link.send(framed);
  }

  /** A message from the link (authenticated there). */
  receive(bytes: Uint8Array): void {
    if (this.state === "closed") return;
    let header: Record<string, unknown>;
    let body: Uint8Array;
    try {
      ({ header, body } = this.codec.open(bytes, null));
    } catch (error) {
      this.fail(`malformed message: ${messageOf(error)}`);
      return;
    }
    const t = header.t;
    const id = header.id as number;
    switch (t) {
      case "call":
        this.runCall(id, body, typeof header.timeout === "number" ? header.timeout : undefined, header.g === true);
        return;
      case "result":
      case "error":
        this.settleCall(t, id, body);
        return;
      case "refcall":
        this.runReferenceCall(id, body);
        return;
      case "refresult":
      case "referror":
        this.settleReferenceCall(t, id, body);
        return;
      case "cancel":
        this.runner?.cancel(id);
        return;
      case "report":
      case "fatal":
        this.notice(t, body);
        return;
      default:
        this.fail(`malformed message: unknown type ${JSON.stringify(t)}`);
    }
  }

  /** A report (shown) or a fatal message (the other end closes the connection: why). */
  private notice(t: "report" | "fatal", body: Uint8Array): void {
    let text: string;
    try {
      text = String(this.decode(body));
    } catch (error) {
      this.fail(`malformed message: ${messageOf(error)}`);
      return;
    }
    if (t === "report") this.options.onReport(text);
    else this.link.closeWith(`${this.peerName} closed the connection: ${text}`);
  }

  private runCall(id: number, body: Uint8Array, timeout: number | undefined, generator: boolean): void {
    if (this.runner === null) {
      this.fail("protocol error: a worker sent a call");
      return;
    }
    // A call is the list [function, ...arguments].
    let call: unknown;
    try {
      call = this.decode(body);
    } catch (error) {
      this.replyError(id, error);
      return;
    }
    if (!Array.isArray(call) || call.length === 0) {
      this.replyError(id, new TypeError("malformed call: not a list of a function and its arguments"));
      return;
    }
    this.runner.run(id, call[0], call.slice(1), timeout, generator);
  }

  // -------------------------------------------------------------------------------------------
  // Closing.

  /** Ends the connection from this side; pending calls reject. */
  close(): void {
    this.link.close();
  }

  /** A protocol failure: the link tells the other end why and closes. */
  private fail(text: string): void {
    if (this.state === "closed") return;
    this.link.fail(text);
  }

  /** The connection has closed (told by the link): rejects what is pending. */
  ended(reason: string): void {
    if (this.state === "closed") return;
    this.state = "closed";
    this.reason = reason;
    for (const [id, pending] of this.calls) {
      if (pending.timer !== undefined) clearTimeout(pending.timer);
      pending.reject(new RemoteConnectionError(`spickle remote: ${reason} (call ${id} did not complete)`));
    }
    this.calls.clear();
    const error = new RemoteConnectionError(`spickle remote: ${reason}`);
    for (const pending of this.referenceCalls.values()) pending.reject(error);
    this.referenceCalls.clear();
    this.runner?.closed();
    this.closedResolve();
  }

  /** Why the connection closed, once it has. */
  get closeReasonText(): string | undefined {
    return this.reason;
  }
}

function callHeader(id: number, timeout: number | undefined, generator: boolean): MessageHeader {
  const header: Record<string, string | number | boolean> = { t: "call", id };
  if (timeout !== undefined) header.timeout = timeout;
  if (generator) header.g = true;
  return header;
}

/** A SerializeError from a call's list [fn, ...args], with the path named as the caller knows
 * it: `root.fn…` and `root.args[i]…`. */
function inCall(error: SerializeError): SerializeError {
  const m = /^root\[(\d+)\]/.exec(error.path);
  if (m === null) return error;
  const i = Number(m[1]);
  const path = (i === 0 ? "root.fn" : `root.args[${i - 1}]`) + error.path.slice(m[0].length);
  return new SerializeError(error.typeName, path, error.reason, { cause: error.cause });
}

/** What the caller gets for a result the pickler refused: the reason, with the path in it. */
function unsendable(error: SerializeError): Error {
  const e = new Error(`the result cannot be sent: ${error.message}`);
  e.name = "SerializeError";
  return e;
}
