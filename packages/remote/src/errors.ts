// How remote calls fail, besides the remote function's own error (which the caller gets as it was
// thrown, its stack extended with the remote one, see error-stacks.ts).

/** The connection is gone or could not be made: the worker exited, the socket closed, the
 * handshake or authentication failed, or the peer sent something that is not a message. */
export class RemoteConnectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RemoteConnectionError";
  }
}

/** A call did not settle within its `timeout`. */
export class RemoteTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RemoteTimeoutError";
  }
}

/** A message the protocol cannot accept (oversized, not a snapshot, out of place): the
 * connection that carried it is closed. */
export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProtocolError";
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A worker or connection set up in a way that is refused (a non-loopback listener without a key). */
export class RemoteConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RemoteConfigError";
  }
}
