// @spickle/remote: ship a function with its closure to a worker. See README.md.
export { connect, remoteMethod, Connection, type ConnectTarget, type CommandTarget, type TcpTarget, type ConnectOptions } from "./client.js";
export { byReference } from "./references.js";
export { serve, serveStdio, listen, streamTransport, type ServeOptions, type ListenOptions, type WorkerServer } from "./worker.js";
export { RemoteConnectionError, RemoteTimeoutError, RemoteConfigError, ProtocolError } from "./errors.js";
export { isLoopback } from "./auth.js";
export { DEFAULT_MAX_MESSAGE_BYTES } from "./framing.js";
export type { CallOptions, Transport } from "./peer.js";
