// Type tests of spickle's public API (type-checked only, by ../types.test.ts): what a user's code
// gets and what the compiler must reject (`@ts-expect-error` fails the check if nothing errors).
import { expectTypeOf } from "vitest";
import {
  AcquireOp,
  ChannelClosedError,
  DeadlockError,
  ReceiveAllOp,
  RemoteConnectionError,
  RemoteTimeoutError,
  SerializeError,
  SnapshotError,
  byReference,
  captureGenerator,
  Channel,
  CheckpointSupport,
  connect,
  Connection,
  dumps,
  frameStack,
  HostCallOp,
  io,
  IoOp,
  isCompiledGenerator,
  isCompiledGeneratorFunction,
  loads,
  Lock,
  ReceiveOp,
  registerReducer,
  remoteMethod,
  restoreGenerator,
  resumeCheckpoint,
  resumeCheckpointWith,
  runCheckpointable,
  schedule,
  ScheduleOp,
  Scheduler,
  SendOp,
  sleep,
  SleepOp,
  Tasklet,
  writeSnapshotFile,
  markCheckpointFinished,
  CheckpointError,
  type CheckpointableMain,
  type CheckpointOptions,
  type CheckpointResult,
  type ForkResult,
  type GeneratorData,
  type Key,
  type Op,
  type Progress,
  type ProgressReport,
  type SerializableModules,
  type TaskletStatus,
} from "spickle";

// --- runCheckpointable: generic in the arguments and the result ---
function* job(cp: CheckpointSupport, n: number, label: string): Generator<unknown, string, unknown> {
  const r = yield* cp.checkpoint();
  expectTypeOf(r).toEqualTypeOf<CheckpointResult>();
  if (r.resumed) expectTypeOf(r.args).toEqualTypeOf<string[]>();
  else expectTypeOf(r.path).toEqualTypeOf<string>();
  const f = yield* cp.forkAndCheckpoint();
  expectTypeOf(f).toEqualTypeOf<ForkResult>();
  return `${label}:${n}`;
}
expectTypeOf(runCheckpointable(job, {}, 3, "x")).toEqualTypeOf<Promise<string>>();
// @ts-expect-error n is a number
void runCheckpointable(job, {}, "3", "x");
// @ts-expect-error label is missing
void runCheckpointable(job, {}, 3);
function* cliJob(_cp: CheckpointSupport, ...args: string[]) {
  return args.length;
}
expectTypeOf(runCheckpointable(cliJob, { checkpointFile: "job.ckpt" }, "a", "b")).toEqualTypeOf<Promise<number>>();
expectTypeOf(cliJob).toMatchTypeOf<CheckpointableMain<string[], number>>();
// @ts-expect-error the main takes cp first
void runCheckpointable(function* (n: number) { return n; }, {}, 1);

const report: ProgressReport = { update: (p: Progress) => void p.records, done: () => {} };
const options: CheckpointOptions = {
  checkpointFile: "a.ckpt",
  key: "secret",
  header: { entry: "job.ts" },
  serializableModules: ["src/**"] satisfies SerializableModules,
  writeFile: (path: string, bytes: Uint8Array) => writeSnapshotFile(path, bytes),
  onStart: (s: Scheduler) => void s.live,
  progress: () => report,
};
// @ts-expect-error exactOptionalPropertyTypes: an absent option is left out, not undefined
const badOptions: CheckpointOptions = { key: undefined };
void badOptions;
expectTypeOf(resumeCheckpoint("a.ckpt", "--more")).toEqualTypeOf<Promise<unknown>>();
expectTypeOf(resumeCheckpoint(new Uint8Array())).toEqualTypeOf<Promise<unknown>>();
expectTypeOf(resumeCheckpointWith(options, "a.ckpt")).toEqualTypeOf<Promise<unknown>>();
// @ts-expect-error resume arguments are strings (they come from a command line)
void resumeCheckpoint("a.ckpt", 1);
expectTypeOf(new CheckpointSupport().checkpointFile).toEqualTypeOf<string | null>();

// --- tasklets: Tasklet, Scheduler.spawn/run, channels, locks, ops ---
function* worker(ch: Channel<number>, times: number): Generator<unknown, number, unknown> {
  let sum = 0;
  for (let i = 0; i < times; i++) sum += yield* ch.receive();
  return sum;
}
function* parent(): Generator<unknown, void, unknown> {
  const ch = new Channel<number>();
  const t = new Tasklet(worker, ch, 2);
  expectTypeOf(t).toMatchTypeOf<Tasklet<number>>();
  expectTypeOf(t.result).toEqualTypeOf<number | undefined>();
  expectTypeOf(t.status).toEqualTypeOf<TaskletStatus>();
  // @ts-expect-error times is a number
  new Tasklet(worker, ch, "2");
  // @ts-expect-error the channel carries numbers
  new Tasklet(worker, new Channel<string>(), 2);
  expectTypeOf(ch.send(1)).toEqualTypeOf<SendOp<number>>();
  // @ts-expect-error the channel carries numbers
  ch.send("one");
  expectTypeOf(ch.receive()).toEqualTypeOf<ReceiveOp<number>>();
  const lock = new Lock();
  expectTypeOf(lock.acquire()).toEqualTypeOf<AcquireOp>();
  yield* lock.acquire();
  lock.release();
  expectTypeOf(schedule()).toEqualTypeOf<ScheduleOp>();
  expectTypeOf(sleep(10)).toEqualTypeOf<SleepOp>();
  const text = yield* io(Promise.resolve("read"));
  expectTypeOf(text).toEqualTypeOf<string>();
  expectTypeOf(io(() => 1)).toEqualTypeOf<IoOp<number>>();
  expectTypeOf(sleep(1)).toMatchTypeOf<Op<void>>();
  expectTypeOf(new CheckpointSupport().checkpoint("x")).toEqualTypeOf<HostCallOp<CheckpointResult>>();
  ch.close();
}
const scheduler = new Scheduler();
expectTypeOf(scheduler.spawn(worker, new Channel<number>(), 1)).toEqualTypeOf<Tasklet<number>>();
// @ts-expect-error times is a number
scheduler.spawn(worker, new Channel<number>(), "1");
expectTypeOf(scheduler.run(parent)).toEqualTypeOf<Promise<void>>();
expectTypeOf(Tasklet.current).toEqualTypeOf<Tasklet | null>();

// --- frames and pickling ---
const g = worker(new Channel<number>(), 1);
expectTypeOf(isCompiledGenerator(g)).toEqualTypeOf<boolean>();
expectTypeOf(isCompiledGeneratorFunction(worker)).toEqualTypeOf<boolean>();
expectTypeOf(frameStack(g)).toBeArray();
const data = captureGenerator(g, (value) => value);
expectTypeOf(data).toEqualTypeOf<GeneratorData>();
expectTypeOf(restoreGenerator(data, (handle) => handle)).toEqualTypeOf<Generator>();
const bytes = dumps({ a: 1 }, { key: "k", header: { note: "x" } });
expectTypeOf(bytes).toEqualTypeOf<Uint8Array>();
expectTypeOf(loads(bytes, { key: "k" })).toEqualTypeOf<unknown>();
// @ts-expect-error loads takes bytes
loads("a.ckpt");
class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
}
registerReducer(Point, { reduce: (p) => [p.x, p.y] as const, restore: (s) => new Point(s[0], s[1]) });
// @ts-expect-error reduce gets a Point
registerReducer(Point, { reduce: (p: string) => p, restore: () => new Point(0, 0) });

// --- remote compute ---
async function remote(): Promise<void> {
  const key: Key = new Uint8Array(32);
  const conn = await connect({ host: "127.0.0.1", port: 7000 }, { key });
  expectTypeOf(conn).toEqualTypeOf<Connection>();
  const add = remoteMethod(conn, (a: number, b: number) => a + b);
  expectTypeOf(add).toEqualTypeOf<(a: number, b: number) => Promise<number>>();
  // @ts-expect-error b is a number
  void add(1, "2");
  const fetchText = remoteMethod(conn, async (url: string) => url.length);
  expectTypeOf(fetchText).returns.toEqualTypeOf<Promise<number>>();
  function* count(n: number): Generator<unknown, string, unknown> {
    return String(n);
  }
  expectTypeOf(remoteMethod(conn, count)).toEqualTypeOf<(n: number) => Promise<string>>();
  const counter = byReference({ hits: 0 });
  expectTypeOf(counter).toEqualTypeOf<{ hits: number }>();
  await conn.close();
}
void remote;

// --- errors: each an Error subclass a user can test with instanceof ---
expectTypeOf(ChannelClosedError).instance.toMatchTypeOf<Error>();
expectTypeOf(DeadlockError).instance.toMatchTypeOf<Error>();
expectTypeOf(SerializeError).instance.toMatchTypeOf<Error>();
expectTypeOf(SnapshotError).instance.toMatchTypeOf<Error>();
expectTypeOf(RemoteConnectionError).instance.toMatchTypeOf<Error>();
expectTypeOf(RemoteTimeoutError).instance.toMatchTypeOf<Error>();
expectTypeOf(new Channel<string>().receiveAll()).toEqualTypeOf<ReceiveAllOp<string>>();

// --- finished checkpoints and checkpoint errors ---
expectTypeOf(markCheckpointFinished).parameters.toEqualTypeOf<[path: string, key?: string]>();
expectTypeOf(markCheckpointFinished).returns.toEqualTypeOf<string | null>();
expectTypeOf(new CheckpointError("x")).toExtend<Error>();

// --- cp.sequence and the periodic/signal options ---
declare const support: CheckpointSupport;
expectTypeOf(support.sequence).toEqualTypeOf<number>();
expectTypeOf<CheckpointOptions["checkpointEvery"]>().toEqualTypeOf<number | undefined>();
expectTypeOf<CheckpointOptions["checkpointOnSignals"]>().toEqualTypeOf<boolean | { graceMs?: number } | undefined>();
