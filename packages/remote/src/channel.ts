// A connection's byte stream, below the messages: frames, the handshake (handshake.ts), the
// session MACs (auth.ts) and the limits. A channel hands its receiver only messages that come
// from a peer that proved the key (or from a connection without a key) and whose MAC is that of
// the next message of this session; the receiver (peer.ts) decodes them. Limits: handshake frames
// at most PRE_AUTH_FRAME_BYTES; the handshake must end within `handshakeTimeout`; after it,
// frames up to `maxMessageBytes`.

import { MessageCodec } from "@spickle/pickle";
import { MAC_BYTES, nonce, proof, Session, verifyProof, type Role } from "./auth.js";
import { messageOf, RemoteConnectionError } from "./errors.js";
import { FrameReader, frame, PRE_AUTH_FRAME_BYTES, PREFIX_BYTES, setFramePrefix } from "./framing.js";
import { base64, encodeJson, parseCallerHello, parseReady, parseWorkerHello, PROTOCOL_VERSION, type Parsed } from "./handshake.js";

/** A byte stream to the other end. */
export interface Transport {
  readonly input: NodeJS.ReadableStream;
  write(chunks: Uint8Array[]): void;
  /** No more output; the other end sees the end of its input. */
  end(): void;
  /** Why the connection ended, once the input has (a worker process's exit status). */
  closeReason?(): Promise<string | undefined>;
}

/** What a message-level peer needs of its connection (a channel, or a thread's link to one). */
export interface Link {
  /** Sends a message encoded with PREFIX_BYTES free at the front. */
  send(framed: Uint8Array): void;
  /** A protocol failure on this side: tells the other end why and closes. */
  fail(text: string): void;
  /** Closes without telling the other end anything more (it closed, or said why it did). */
  closeWith(reason: string): void;
  /** Ends the connection from this side. */
  close(): void;
}

export interface ChannelOptions {
  role: Role;
  key: Uint8Array | null;
  /** Caller: false lets a key that came from the environment go unused when the worker has none
   * (a command's pipe or ssh is a channel of its own); true refuses such a worker. */
  keyRequired?: boolean;
  /** Largest authenticated message (bytes, without its MAC). */
  maxMessageBytes: number;
  /** Largest handshake frame (default PRE_AUTH_FRAME_BYTES). */
  maxHandshakeBytes?: number;
  /** Worker: milliseconds the caller has to complete the handshake (0: no limit). */
  handshakeTimeout?: number;
  /** Worker: how it names itself in its hello. */
  workerName?: string;
}

type State = "hello" | "proof" | "open" | "closed";

export class Channel implements Link {
  private state: State = "hello";
  private readonly reader: FrameReader;
  private key: Uint8Array | null;
  private session: Session | null = null;
  private workerNonce: Buffer | null = null;
  private callerNonce: Buffer | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private fatalCodec: MessageCodec | null = null;
  private reason: string | undefined;
  /** The protocol failure this side closed the connection for, if it did. */
  failure: string | undefined;
  /** Who the other end is, for messages ("the worker (pid 12 on host)"). */
  peerName: string;
  private receiverFn: ((message: Buffer) => void) | null = null;
  /** Messages that arrived before the receiver was set (right behind the handshake). */
  private early: Buffer[] = [];
  /** Told once when the connection closes. */
  onClose: ((reason: string) => void) | null = null;
  private handshakeDone!: { resolve(): void; reject(error: Error): void };
  /** Settles when the handshake completes (rejects if the connection fails first). */
  readonly ready: Promise<void>;
  private closedResolve!: () => void;
  readonly closed: Promise<void>;

  constructor(
    private readonly transport: Transport,
    private readonly options: ChannelOptions,
  ) {
    this.key = options.key;
    this.reader = new FrameReader(options.maxHandshakeBytes ?? PRE_AUTH_FRAME_BYTES);
    this.peerName = options.role === "caller" ? "the worker" : "the caller";
    this.ready = new Promise((resolve, reject) => (this.handshakeDone = { resolve, reject }));
    this.ready.catch(() => {}); // the failure also reaches whoever awaits `ready`
    this.closed = new Promise((resolve) => (this.closedResolve = resolve));
    transport.input.on("data", (chunk: Buffer) => this.onData(chunk));
    transport.input.on("end", () => void this.onEnd());
    transport.input.on("error", (error: Error) => void this.onEnd(error));
    if (options.role === "worker") {
      const ms = options.handshakeTimeout ?? 0;
      if (ms > 0) {
        this.timer = setTimeout(() => this.fail(`handshake timed out after ${ms} ms`), ms);
        this.timer.unref?.();
      }
      this.workerNonce = this.key === null ? null : nonce();
      this.writeJson({ spickle: "remote", protocol: PROTOCOL_VERSION, worker: options.workerName ?? null, nonce: base64(this.workerNonce) });
    }
  }

  /** Receives each authenticated message (set once the channel is open). */
  set receiver(fn: (message: Buffer) => void) {
    this.receiverFn = fn;
    const early = this.early;
    this.early = [];
    for (const message of early) if (!this.isClosed) fn(message);
  }

  get isOpen(): boolean {
    return this.state === "open";
  }

  get isClosed(): boolean {
    return this.state === "closed";
  }

  /** Why the connection closed, once it has. */
  get closeReasonText(): string | undefined {
    return this.reason;
  }

  // -------------------------------------------------------------------------------------------
  // Sending.

  send(framed: Uint8Array): void {
    if (this.state !== "open") return;
    if (this.session === null) {
      setFramePrefix(framed);
      this.transport.write([framed]);
      return;
    }
    setFramePrefix(framed, MAC_BYTES);
    const mac = this.session.sign(framed.subarray(PREFIX_BYTES));
    this.transport.write([framed, mac]);
  }

  private writeJson(value: object): void {
    this.transport.write([frame(encodeJson(value))]);
  }

  // -------------------------------------------------------------------------------------------
  // Receiving.

  private onData(chunk: Buffer): void {
    if (this.state === "closed") return;
    this.reader.add(chunk);
    for (;;) {
      let bytes: Buffer | null;
      try {
        bytes = this.reader.next();
      } catch (error) {
        // Before the handshake, bad framing usually means the other end is not a spickle peer at
        // all (a shell banner, a program that prints): show what it sent.
        this.fail(this.state === "open" ? messageOf(error) : `handshake failed: ${this.peerName} does not speak the protocol (it sent ${preview(chunk)}): ${messageOf(error)}`);
        return;
      }
      if (bytes === null) return;
      if (this.state === "open") this.receive(bytes);
      else this.handshake(bytes);
      if (this.isClosed) return;
    }
  }

  private receive(bytes: Buffer): void {
    let message: Buffer | null = bytes;
    if (this.session !== null) {
      message = this.session.open(bytes);
      if (message === null) {
        this.fail("message authentication failed: a message was altered, replayed, reordered or comes from another session");
        return;
      }
    }
    if (this.receiverFn === null) this.early.push(message);
    else this.receiverFn(message);
  }

  private handshake(bytes: Buffer): void {
    if (this.options.role === "caller") {
      if (this.state === "hello") this.workerHello(parseWorkerHello(bytes), bytes);
      else this.workerReady(parseReady(bytes));
    } else this.callerHello(parseCallerHello(bytes), bytes);
  }

  /** A handshake message that is not what was expected: refused. */
  private refuse(parsed: { fatal?: string; error: string }, bytes: Buffer): void {
    if (parsed.fatal !== undefined) this.closeWith(`${this.peerName} refused the connection: ${parsed.fatal}`);
    else if (parsed.error === "not a handshake message") {
      this.fail(`handshake failed: ${this.peerName} does not speak protocol ${PROTOCOL_VERSION} (it sent ${preview(bytes)})`);
    } else this.fail(`handshake failed: ${parsed.error}`);
  }

  private wrongProtocol(theirs: unknown): boolean {
    if (theirs === PROTOCOL_VERSION) return false;
    this.fail(`${this.peerName} speaks protocol ${String(theirs).slice(0, 20)}, this side ${PROTOCOL_VERSION}`);
    return true;
  }

  private workerHello(parsed: Parsed<{ protocol: unknown; worker: string | null; nonce: Buffer | null }>, bytes: Buffer): void {
    if (!parsed.ok) return this.refuse(parsed, bytes);
    const hello = parsed.value;
    if (hello.worker !== null) this.peerName = `the worker (${hello.worker})`;
    if (this.wrongProtocol(hello.protocol)) return;
    if (this.key === null && hello.nonce !== null) return this.fail("the worker requires a key: set SPICKLE_KEY (or the key option) to the worker's key");
    if (this.key !== null && hello.nonce === null) {
      if (this.options.keyRequired !== false) return this.fail("the worker does not authenticate (it has no key) but this side has one");
      this.key = null;
    }
    this.workerNonce = hello.nonce;
    this.callerNonce = this.key === null ? null : nonce();
    const key = this.key;
    this.writeJson({
      protocol: PROTOCOL_VERSION,
      nonce: base64(this.callerNonce),
      proof: key === null ? null : base64(proof(key, "caller", this.workerNonce!, this.callerNonce!)),
    });
    this.state = "proof";
  }

  private workerReady(parsed: Parsed<{ proof: Buffer | null }>): void {
    if (!parsed.ok) return this.refuse(parsed, Buffer.alloc(0));
    const key = this.key;
    if (key !== null && !verifyProof(key, "worker", this.workerNonce!, this.callerNonce!, parsed.value.proof)) {
      return this.fail("authentication failed: the worker's proof is wrong (it does not hold the key)");
    }
    this.open();
  }

  private callerHello(parsed: Parsed<{ protocol: unknown; nonce: Buffer | null; proof: Buffer | null }>, bytes: Buffer): void {
    if (!parsed.ok) return this.refuse(parsed, bytes);
    const hello = parsed.value;
    if (this.wrongProtocol(hello.protocol)) return;
    const key = this.key;
    if (key !== null) {
      if (hello.nonce === null || !verifyProof(key, "caller", this.workerNonce!, hello.nonce, hello.proof)) return this.fail("authentication failed: wrong key");
      this.callerNonce = hello.nonce;
    }
    this.writeJson({ proof: key === null ? null : base64(proof(key, "worker", this.workerNonce!, this.callerNonce!)) });
    this.open();
  }

  private open(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    const key = this.key;
    if (key !== null) this.session = new Session(key, this.options.role, this.workerNonce!, this.callerNonce!);
    this.reader.limit = this.options.maxMessageBytes + (key === null ? 0 : MAC_BYTES);
    this.state = "open";
    this.handshakeDone.resolve();
  }

  // -------------------------------------------------------------------------------------------
  // Closing.

  close(): void {
    if (this.state === "closed") return;
    this.closeWith("the connection was closed");
    this.transport.end();
  }

  fail(text: string): void {
    if (this.state === "closed") return;
    this.failure = text;
    try {
      if (this.state === "open") {
        this.fatalCodec ??= new MessageCodec({ reserve: PREFIX_BYTES });
        this.send(this.fatalCodec.encode({ t: "fatal" }, text));
      } else this.writeJson({ fatal: text });
    } catch {
      // the reason still closes this side
    }
    this.closeWith(text);
    this.transport.end();
  }

  private async onEnd(error?: Error): Promise<void> {
    if (this.state === "closed") return;
    const why = (await this.transport.closeReason?.()) ?? (error ? `the connection failed: ${error.message}` : `${this.peerName} closed the connection`);
    this.closeWith(why);
  }

  closeWith(reason: string): void {
    if (this.state === "closed") return;
    const wasOpen = this.state === "open";
    this.state = "closed";
    this.reason = reason;
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (!wasOpen) this.handshakeDone.reject(new RemoteConnectionError(`spickle remote: ${reason}`));
    this.onClose?.(reason);
    this.closedResolve();
  }
}

function preview(bytes: Buffer): string {
  const text = bytes.subarray(0, 40).toString("latin1").replace(/[^\x20-\x7e]/g, ".");
  return JSON.stringify(bytes.length > 40 ? `${text}…` : text);
}
