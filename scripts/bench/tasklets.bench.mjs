// Suite `tasklets`: the scheduler of @spickle/runtime.
//
// 1. Switch rate: two tasklets ping-ponging over two channels (unbuffered rendezvous; each round
//    trip is two switches), compiled by @spickle/transform and run by the runtime's Scheduler
//    (also with its coarse clock ticking, as the CLI runs it),
//    against the limit: the same exchange with native generators and a minimal hand-written
//    trampoline (a run queue, channels of one waiter, commands yielded as small arrays, the sender
//    continuing at once after a hand-off — the same semantics, nothing else). Target: spickle's
//    rate >= 0.5 of the limit, i.e. time ratio <= 2. A third variant runs native generators on the
//    runtime's Scheduler (what the compiled frames cost over V8's own generators).
// 2. Checkpoint: N tasklets with small stacks (three frames: a -> b -> c, blocked on a channel,
//    sleeping, or runnable) are paused and pickled, for 1k, 10k and 100k tasklets to show how it
//    grows. The checkpoint pause is `pause()` (stop at a switch point; the live scheduler is the
//    plain-data graph, so this costs about the same for any N) plus `dumps` of the scheduler (no
//    tasklet runs meanwhile). Also timed: `captureGraph`, the runtime's walk of the same graph into
//    structured-cloneable data (a floor for any encoder that visits every object).

import fs from "node:fs";
import { fileURLToPath } from "node:url";

const here = new URL(".", import.meta.url);
const outDir = new URL(".out/", here);

const PROGRAM = `
import { Channel, Tasklet, schedule, sleep } from "@spickle/runtime";

export function* ponger(ping: Channel<number>, pong: Channel<number>) {
  for (;;) {
    const v = yield* ping.receive();
    if (v < 0) return;
    yield* pong.send(v + 1);
  }
}

export function* pinger(n: number) {
  const ping = new Channel<number>();
  const pong = new Channel<number>();
  new Tasklet(ponger, ping, pong);
  let x = 0;
  for (let i = 0; i < n; i++) {
    yield* ping.send(x);
    x = yield* pong.receive();
  }
  yield* ping.send(-1);
  return x;
}

// Small stacks for the checkpoint view.
function* c(kind: number, ch: Channel<number>, id: number) {
  let local = id * 2;
  if (kind === 0) local += yield* ch.receive();
  else if (kind === 1) yield* sleep(60_000);
  else for (;;) yield* schedule();
  return local;
}
function* b(kind: number, ch: Channel<number>, id: number) {
  const label = "b" + id;
  const r = yield* c(kind, ch, id);
  return label + r;
}
export function* a(kind: number, ch: Channel<number>, id: number) {
  const items = [id, id + 1];
  return (yield* b(kind, ch, id)) + items.length;
}

export function* crowd(n: number) {
  const ch = new Channel<number>();
  for (let i = 0; i < n; i++) new Tasklet(a, i % 3, ch, i);
  yield* sleep(60_000);
}
`;

async function build() {
  fs.mkdirSync(outDir, { recursive: true });
  const { compile } = await import("@spickle/transform");
  const { code } = compile(PROGRAM, { filename: fileURLToPath(new URL("tasklets.ts", outDir)), moduleId: "scripts/bench/tasklets.ts" });
  fs.writeFileSync(new URL("tasklets.spickle.mjs", outDir), code);
  return import(new URL("tasklets.spickle.mjs", outDir).href);
}

// ---------------------------------------------------------------------------------------------
// The limit: native generators and a minimal trampoline with the same channel semantics.

const SEND = 0;
const RECV = 1;

function* nativePonger(ping, pong) {
  for (;;) {
    const v = yield [RECV, ping];
    if (v < 0) return;
    yield [SEND, pong, v + 1];
  }
}

function* nativePinger(n, ping, pong) {
  let x = 0;
  for (let i = 0; i < n; i++) {
    yield [SEND, ping, x];
    x = yield [RECV, pong];
  }
  yield [SEND, ping, -1];
  return x;
}

/** Runs tasks ({ gen, value }) until `main` ends; channels hold at most one waiting task. */
function trampoline(main, others) {
  const queue = [main, ...others];
  let head = 0;
  let switches = 0;
  for (;;) {
    const task = queue[head++];
    switches++;
    let value = task.value;
    task.value = undefined;
    for (;;) {
      const r = task.gen.next(value);
      if (r.done) {
        if (task === main) return { result: r.value, switches };
        break;
      }
      const cmd = r.value;
      const ch = cmd[1];
      const partner = ch.waiter;
      if (cmd[0] === SEND) {
        if (partner !== null && !ch.sending) {
          ch.waiter = null;
          partner.value = cmd[2];
          queue.push(partner);
          value = undefined;
          continue; // the sender goes on
        }
        ch.waiter = task;
        ch.sending = true;
        ch.value = cmd[2];
        break;
      }
      if (partner !== null && ch.sending) {
        ch.waiter = null;
        value = ch.value;
        ch.value = undefined;
        queue.push(partner);
        continue;
      }
      ch.waiter = task;
      ch.sending = false;
      break;
    }
    if (head > 1024 && 2 * head > queue.length) {
      queue.splice(0, head);
      head = 0;
    }
  }
}

function limitPingPong(n) {
  const ping = { waiter: null, sending: false, value: undefined };
  const pong = { waiter: null, sending: false, value: undefined };
  return trampoline({ gen: nativePinger(n, ping, pong), value: undefined }, [{ gen: nativePonger(ping, pong), value: undefined }]).result;
}

// Native generators on the runtime's scheduler.
function makeNativeOnScheduler(rt) {
  function* ponger(ping, pong) {
    for (;;) {
      const v = yield* ping.receive();
      if (v < 0) return;
      yield* pong.send(v + 1);
    }
  }
  function* pinger(n) {
    const ping = new rt.Channel();
    const pong = new rt.Channel();
    new rt.Tasklet(ponger, ping, pong);
    let x = 0;
    for (let i = 0; i < n; i++) {
      yield* ping.send(x);
      x = yield* pong.receive();
    }
    yield* ping.send(-1);
    return x;
  }
  return pinger;
}

// ---------------------------------------------------------------------------------------------

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const median = (values) => {
  const s = [...values].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const round = (v, d) => Number(v.toFixed(d));

/** CPU ms of one run. No forced GC before it: a full GC drops optimized code whose maps died with
 * the previous run's objects (every run creates fresh schedulers, tasklets and channels), which
 * then re-warms inside the timed run; the runs' garbage is young and scavenged as it goes. */
async function timeAsync(fn) {
  const start = cpuMs();
  const result = await fn();
  return { ms: cpuMs() - start, result };
}

export default async function tasklets(options = {}) {
  const quick = options.quick ?? process.env.SPICKLE_BENCH_QUICK === "1";
  const rt = await import("@spickle/runtime");
  const program = await build();
  const nativeOnScheduler = makeNativeOnScheduler(rt);
  const N = quick ? 200_000 : 1_000_000;
  const runs = quick ? 5 : 11;
  const warmups = quick ? 1 : 3;
  const expected = N;

  // 1. Switch rate.
  await rt.coarseClockTicking();
  const variants = {
    spickle: () => new rt.Scheduler().run(program.pinger, N),
    // What the CLI runs with: the coarse clock ticking (a signal lands at the next switch point).
    spickleClock: () => new rt.Scheduler({ coarseClock: true }).run(program.pinger, N),
    limit: async () => limitPingPong(N),
    nativeOnScheduler: () => new rt.Scheduler().run(nativeOnScheduler, N),
  };
  const names = Object.keys(variants);
  const times = Object.fromEntries(names.map((n) => [n, []]));
  for (let round_ = 0; round_ < warmups + runs; round_++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(k + round_) % names.length];
      const { ms, result } = await timeAsync(variants[name]);
      if (result !== expected) throw new Error(`${name}: ping-pong computed ${result}, expected ${expected}`);
      if (round_ >= warmups) times[name].push(ms);
    }
  }
  const perRound = (a, b) => median(times[a].map((t, i) => t / times[b][i]));
  const switches = 2 * N;
  const rate = (ms) => (switches / ms / 1000).toFixed(1); // M switches / s
  const t = Object.fromEntries(names.map((n) => [n, median(times[n])]));
  const ratio = perRound("spickle", "limit");
  const rows = [
    {
      name: `ping-pong over channels, ${N / 1e6}M round trips (${switches / 1e6}M switches)`,
      ours: round(t.spickle, 1),
      baseline: "native gens + minimal trampoline (limit)",
      base: round(t.limit, 1),
      ratio: round(ratio, 2),
      note: `${rate(t.spickle)}M vs ${rate(t.limit)}M switches/s: ${(1 / ratio).toFixed(2)} of the limit (target >= 0.5)`,
    },
    {
      name: `same, native generators on spickle's Scheduler`,
      ours: round(t.nativeOnScheduler, 1),
      baseline: "native gens + minimal trampoline (limit)",
      base: round(t.limit, 1),
      ratio: round(perRound("nativeOnScheduler", "limit"), 2),
      note: `${rate(t.nativeOnScheduler)}M switches/s; compiled/native on the same scheduler ${perRound("spickle", "nativeOnScheduler").toFixed(2)}x`,
    },
    {
      name: `same as the first, with the coarse clock ticking (as under the CLI)`,
      ours: round(t.spickleClock, 1),
      baseline: "the first row (clock not started)",
      base: round(t.spickle, 1),
      ratio: round(perRound("spickleClock", "spickle"), 3),
      note: `the clock cell is read after every switch either way; this is what a moving clock adds (target <= 1.02)`,
    },
  ];

  // 2. Checkpoint of N tasklets with small stacks.
  const { dumps } = await import("@spickle/pickle");
  const counts = quick ? [1_000, 10_000] : [1_000, 10_000, 100_000];
  const view = {};
  for (const n of counts) {
    const pauses = [];
    const captures = [];
    const encodes = [];
    const reps = n >= 100_000 ? (quick ? 1 : 2) : quick ? 3 : 7;
    // Untimed runs first: the smallest size also warms up the encoder (it is the base of the ratios).
    const warmups = n === counts[0] ? 3 : 1;
    let objects = 0;
    let bytes = 0;
    for (let i = 0; i < warmups + reps; i++) {
      const scheduler = new rt.Scheduler();
      void scheduler.run(program.crowd, n).catch(() => {});
      // let every tasklet start and block
      while (scheduler.switches < n + 1) await new Promise((resolve) => setImmediate(resolve));
      // (No forced GC here either: it would drop the encoder's optimized code, see timeAsync.)
      let start = cpuMs();
      await scheduler.pause();
      const paused = cpuMs() - start;
      const handles = new Map();
      start = cpuMs();
      const data = rt.captureGraph(scheduler, (value) => {
        let h = handles.get(value);
        if (h === undefined) handles.set(value, (h = handles.size));
        return h;
      });
      const captured = cpuMs() - start;
      objects = data.objects.length;
      start = cpuMs();
      bytes = dumps(scheduler).length;
      const encoded = cpuMs() - start;
      if (i >= warmups) {
        pauses.push(paused);
        captures.push(captured);
        encodes.push(encoded);
      }
    }
    view[n] = { pause: median(pauses), capture: median(captures), dumps: median(encodes), objects, bytes };
  }
  const base = counts[0];
  const label = (n) => n.toLocaleString("en");
  const growth = (n, key) => `${n / base}x the tasklets (linear = ${n / base}x); ${((1000 * view[n][key]) / n).toFixed(2)} µs/tasklet`;
  for (const n of counts.slice(1)) {
    rows.push({
      name: `checkpoint pause: pause() + dumps of ${label(n)} tasklets (3 frames each)`,
      ours: round(view[n].pause + view[n].dumps, 1),
      baseline: `${label(base)} tasklets`,
      base: round(view[base].pause + view[base].dumps, 1),
      ratio: round((view[n].pause + view[n].dumps) / (view[base].pause + view[base].dumps), 2),
      note: `${growth(n, "dumps")}; ${(view[n].bytes / 1e6).toFixed(1)} MB snapshot; pause() alone ${view[n].pause.toFixed(2)} ms`,
    });
  }
  for (const n of counts.slice(1)) {
    rows.push({
      name: `checkpoint view: captureGraph of ${label(n)} paused tasklets (3 frames each)`,
      ours: round(view[n].capture, 2),
      baseline: `${label(base)} tasklets`,
      base: round(view[base].capture, 2),
      ratio: round(view[n].capture / view[base].capture, 2),
      note: `${growth(n, "capture")}; ${view[n].objects.toLocaleString("en")} objects`,
    });
  }
  const at10k = view[10_000];
  return {
    suite: "tasklets",
    rows,
    headline:
      `switch rate ${(1 / ratio).toFixed(2)} of the native-generator trampoline limit (target >= 0.5); ` +
      `checkpoint of 10,000 tasklets: pause ${(at10k.pause + at10k.dumps).toFixed(0)} ms (pause() ${at10k.pause.toFixed(2)} ms + dumps), captureGraph ${at10k.capture.toFixed(1)} ms`,
    summary: {
      switchRateOfLimit: round(1 / ratio, 3),
      switchesPerSecond: { spickle: Math.round((switches / t.spickle) * 1000), limit: Math.round((switches / t.limit) * 1000) },
      view,
      runs,
      warmups,
    },
    notes: [
      "ping-pong: time = median CPU ms (GC on the main thread) per variant, variants interleaved per round; ratio = median per-round time/limit",
      "checkpoint rows: CPU ms (median; GC on the main thread), ratio = growth over 1,000 tasklets; checkpoint pause = pause() (from the request to " +
        "the paused scheduler, no io pending) + dumps (the snapshot, module code included), during which no tasklet runs; " +
        "captureGraph = the runtime's deep walk into structured-cloneable data (handles for code)",
      "history: at commit f3e3507 the switch rate was 0.42-0.45 of the limit; 0.50-0.55 since a compiled frame steps the op " +
        "it delegates to itself (generator.ts `delegating`, instead of the general frame-chain loop) and the hot paths of " +
        "`resume` and `Op.next` are small enough to be inlined. captureGraph of 100,000 tasklets: 1,658 ms then, about 1,500 ms " +
        "(no work-list pair or field copy per object). Past 10,000 tasklets the cost per tasklet of both grows (GC, and " +
        "identity-map lookups over a million objects: the largest self times in profiles at 100,000)",
    ],
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await tasklets({ quick: process.argv.includes("--quick") });
  console.log(JSON.stringify(result, null, 2));
  process.exit(0);
}
