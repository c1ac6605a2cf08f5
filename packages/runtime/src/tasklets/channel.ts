// Channels (Stackless): unbuffered rendezvous between tasklets. `send` blocks until a receiver
// takes the value, `receive` until a value comes. A send or receive that finds its partner
// waiting completes at once and does not switch: the partner becomes runnable (at the end of the
// run queue) with the outcome.
//
// close(): no more sends (a send throws ChannelClosedError). Senders already waiting still hand
// their values to receivers; once none is left, `receive()` throws ChannelClosedError (receivers
// blocked at that moment too), while `next()` returns `{ done: true }` and `receiveAll()`
// returns what it collected — the done marker for loops.

import { registerDataClass } from "../data.js";
import { Op, PARK } from "./ops.js";
import { NEXT, THROW, TaskletQueue, type Tasklet } from "./tasklet.js";

export class ChannelClosedError extends Error {
  constructor(message = "channel closed") {
    super(message);
    this.name = "ChannelClosedError";
  }
}

/** @internal A tasklet waiting on several channels at once (select() in structured.ts): the
 * channel that takes it from its queue tells it, with what it received; it returns what it sends. */
interface MultiWaiter {
  fire(channel: Channel, received: IteratorResult<unknown> | undefined): unknown;
}

export class Channel<T = unknown> {
  /** Waiting senders (positive) or receivers (negative), as in Stackless. Read-only. */
  balance = 0;
  /** The waiting tasklets (all senders or all receivers), in arrival order. */
  queue = new TaskletQueue();
  closed = false;

  /** `yield* ch.send(v)`: waits until a receiver takes `v`. */
  send(value: T): SendOp<T> {
    return new SendOp<T>(this, value);
  }

  /** `const v = yield* ch.receive()`: waits for a value; ChannelClosedError once closed and drained. */
  receive(): ReceiveOp<T> {
    return new ReceiveOp<T>(this, "receive");
  }

  /** `const r = yield* ch.next()`: `{ value, done: false }` per value, `{ done: true }` once closed
   * and drained: `for (let r = yield* ch.next(); !r.done; r = yield* ch.next()) use(r.value)`. */
  next(): ReceiveOp<IteratorResult<T, undefined>> {
    return new ReceiveOp<IteratorResult<T, undefined>>(this, "next");
  }

  /** `for (const v of yield* ch.receiveAll())`: every value until the channel is closed. */
  receiveAll(): ReceiveAllOp<T> {
    return new ReceiveAllOp<T>(this);
  }

  /** Closes the channel (idempotent); see the top of this file. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    while (this.balance < 0) {
      const receiver = this.queue.shift()!;
      this.balance++;
      if (receiver.waitingOn !== this) {
        (receiver.waitingOn as MultiWaiter).fire(this, { value: undefined, done: true });
      } else if (receiver.waiting === "receive") {
        receiver.scheduler.makeRunnable(receiver, THROW, new ChannelClosedError("receive on a closed channel"));
      } else receiver.scheduler.makeRunnable(receiver, NEXT, { value: undefined, done: true });
    }
  }

  /** Closed and no sender waiting: nothing more will come. */
  get drained(): boolean {
    return this.closed && this.balance <= 0;
  }

  /** @internal A sender offers `value`: handed over, or the sender parks. */
  offer(tasklet: Tasklet, value: unknown): undefined | typeof PARK {
    if (this.closed) throw new ChannelClosedError("send on a closed channel");
    if (this.balance < 0) {
      const receiver = this.queue.shift()!;
      this.balance++;
      if (receiver.waitingOn !== this) (receiver.waitingOn as MultiWaiter).fire(this, { value, done: false });
      else receiver.scheduler.makeRunnable(receiver, NEXT, receiver.waiting === "receive" ? value : { value, done: false });
      return undefined;
    }
    tasklet.waitValue = value;
    this.park(tasklet, "send");
    this.balance++;
    return PARK;
  }

  /** @internal A receiver (`mode` "receive" or "next") takes a value, or parks. */
  take(tasklet: Tasklet, mode: string): unknown {
    if (this.balance > 0) {
      const sender = this.queue.shift()!;
      this.balance--;
      let value: unknown;
      if (sender.waitingOn !== this) value = (sender.waitingOn as MultiWaiter).fire(this, undefined);
      else {
        value = sender.waitValue;
        sender.waitValue = undefined;
        sender.scheduler.makeRunnable(sender, NEXT, undefined);
      }
      return mode === "receive" ? value : { value, done: false };
    }
    if (this.closed) {
      if (mode === "receive") throw new ChannelClosedError("receive on a closed channel");
      return { value: undefined, done: true };
    }
    this.park(tasklet, mode);
    this.balance--;
    return PARK;
  }

  /** @internal A send would not wait (a receiver waits, or the channel is closed: it throws). */
  readyToSend(): boolean {
    return this.closed || this.balance < 0;
  }

  /** @internal A receive would not wait (a sender waits, or the channel is closed). */
  readyToReceive(): boolean {
    return this.closed || this.balance > 0;
  }

  /** @internal Queues a tasklet that waits here among other things (select()): it parks itself. */
  enqueue(tasklet: Tasklet, sending: boolean): void {
    this.queue.push(tasklet);
    this.balance += sending ? 1 : -1;
  }

  private park(tasklet: Tasklet, mode: string): void {
    this.queue.push(tasklet);
    tasklet.status = "blocked";
    tasklet.waitingOn = this;
    tasklet.waiting = mode;
  }

  /** @internal Drops a waiting tasklet (killed, or an error thrown into it). */
  removeWaiter(tasklet: Tasklet): void {
    if (!this.queue.remove(tasklet)) return;
    if (this.balance > 0) this.balance--;
    else this.balance++;
    tasklet.waitValue = undefined;
  }
}

export class SendOp<T = unknown> extends Op<void> {
  declare channel: Channel<T> | null;
  declare value: T | undefined;

  constructor(channel: Channel<T>, value: T) {
    super();
    this.channel = channel;
    this.value = value;
  }

  protected start(tasklet: Tasklet): undefined | typeof PARK {
    const channel = this.channel!;
    const value = this.value;
    this.channel = null; // once parked, the channel's queue holds the tasklet and the value
    this.value = undefined;
    return channel.offer(tasklet, value);
  }
}

export class ReceiveOp<R = unknown> extends Op<R> {
  declare channel: Channel | null;
  declare mode: string;

  constructor(channel: Channel, mode: string) {
    super();
    this.channel = channel;
    this.mode = mode;
  }

  protected start(tasklet: Tasklet): R | typeof PARK {
    const channel = this.channel!;
    this.channel = null;
    return channel.take(tasklet, this.mode) as R | typeof PARK;
  }
}

export class ReceiveAllOp<T = unknown> extends Op<T[]> {
  declare channel: Channel<T>;
  declare values: T[];

  constructor(channel: Channel<T>) {
    super();
    this.channel = channel;
    this.values = [];
  }

  protected start(tasklet: Tasklet): T[] | typeof PARK {
    return this.collect(tasklet, this.channel.take(tasklet, "next") as IteratorResult<T> | typeof PARK);
  }

  protected override resumed(tasklet: Tasklet, outcome: unknown): T[] | typeof PARK {
    return this.collect(tasklet, outcome as IteratorResult<T>);
  }

  private collect(tasklet: Tasklet, result: IteratorResult<T> | typeof PARK): T[] | typeof PARK {
    for (;;) {
      if (result === PARK) return PARK;
      if (result.done) {
        const values = this.values;
        this.values = [];
        return values;
      }
      this.values.push(result.value);
      result = this.channel.take(tasklet, "next") as IteratorResult<T> | typeof PARK;
    }
  }
}

registerDataClass(Channel, "Channel", { shared: true });
registerDataClass(SendOp, "SendOp");
registerDataClass(ReceiveOp, "ReceiveOp");
registerDataClass(ReceiveAllOp, "ReceiveAllOp");
