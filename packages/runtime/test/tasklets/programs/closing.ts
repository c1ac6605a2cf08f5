import { Channel, ChannelClosedError, Tasklet, schedule } from "@spickle/runtime";

// close(): queued senders still deliver; then receive() throws, next() is done, receiveAll() ends.
export function* closeSemantics() {
  const log: string[] = [];
  const ch = new Channel<number>();
  new Tasklet(function* a() { yield* ch.send(1); log.push("a sent"); });
  new Tasklet(function* b() { yield* ch.send(2); log.push("b sent"); });
  yield* schedule();
  ch.close();
  log.push(`closed balance=${ch.balance} drained=${ch.drained}`);
  log.push(`got ${yield* ch.receive()}`);
  const rest = yield* ch.receiveAll();
  log.push(`rest ${rest.join()}`);
  try {
    yield* ch.receive();
  } catch (e) {
    log.push(`receive: ${(e as Error).name}: ${(e as Error).message} ${e instanceof ChannelClosedError}`);
  }
  const r = yield* ch.next();
  log.push(`next done=${r.done}`);
  try {
    yield* ch.send(3);
  } catch (e) {
    log.push(`send: ${(e as Error).message}`);
  }
  // Receivers blocked when the channel closes: receive() throws, next() is done.
  const other = new Channel<number>();
  new Tasklet(function* r1() {
    try {
      yield* other.receive();
    } catch (e) {
      log.push(`r1 ${(e as Error).message}`);
    }
  });
  new Tasklet(function* r2() { log.push(`r2 done=${(yield* other.next()).done}`); });
  new Tasklet(function* r3() { log.push(`r3 all=${(yield* other.receiveAll()).length}`); });
  yield* schedule();
  log.push(`balance ${other.balance}`);
  other.close();
  yield* schedule();
  return log;
}
