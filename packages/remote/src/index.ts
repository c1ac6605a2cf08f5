// @spickle/remote: ship a function with its closure to a worker. See README.md.
export { connect, remoteMethod, Connection, DEFAULT_CONNECT_TIMEOUT_MS, type ConnectTarget, type CommandTarget, type TcpTarget, type ConnectOptions } from "./client.js";
export { byReference } from "./stubs.js";
export {
  serve,
  serveStdio,
  listen,
  streamTransport,
  DEFAULT_HANDSHAKE_TIMEOUT_MS,
  DEFAULT_MAX_HANDSHAKES,
  DEFAULT_CANCEL_GRACE_MS,
  type ServeOptions,
  type ListenOptions,
  type WorkerServer,
  type Served,
} from "./worker.js";
export { RemoteConnectionError, RemoteTimeoutError, RemoteConfigError, ProtocolError } from "./errors.js";
export { isLoopback, type Key } from "./auth.js";
export { DEFAULT_MAX_MESSAGE_BYTES, PRE_AUTH_FRAME_BYTES } from "./framing.js";
export { PROTOCOL_VERSION } from "./handshake.js";
export type { CallOptions } from "./peer.js";
export type { Transport } from "./channel.js";
