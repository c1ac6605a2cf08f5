// What a checkpoint takes from the scheduler: the graph to encode, and its header — the facts read
// from the paused scheduler, completed from what the encode met (checkpoint-write.ts runs the
// steps in order).

import type { Scheduler, Tasklet } from "@spickle/runtime";
import { bodyHeader, type EncodedBody } from "@spickle/pickle";
import type { CheckpointOptions } from "./checkpoint.js";
import { summarizeTasklets, suspendedSites } from "./tasklet-stacks.js";

/** What a checkpoint writes: the paused scheduler (plain data: its tasklets, channels, timers and
 * what they reach), and the facts of its header read from it before the encode. */
export interface CapturedCheckpoint {
  scheduler: Scheduler;
  /** Tasklets alive. */
  live: number;
  /** The tasklet that asked for the checkpoint, if one did. */
  caller: string | undefined;
}

/** The first step: the paused scheduler as the graph to write. */
export function captureCheckpoint(scheduler: Scheduler, caller?: Tasklet): CapturedCheckpoint {
  return { scheduler, live: scheduler.live, caller: caller?.name };
}

/** The checkpoint header: the caller's fields, what the capture says, the stacks of the tasklets
 * the encode met (a tasklet blocked on a channel is reachable only through what holds the channel)
 * and the module table with each module's function sites (for `spickle diff`). */
export function checkpointHeader(captured: CapturedCheckpoint, encoded: EncodedBody, options: CheckpointOptions): Record<string, unknown> {
  return {
    ...bodyHeader(encoded, true),
    ...options.header,
    kind: "checkpoint",
    tasklets: captured.live,
    ...(captured.caller !== undefined ? { caller: captured.caller } : {}),
    stacks: summarizeTasklets(captured.scheduler, encoded.tasklets),
    // Site id → frames suspended in it: `spickle diff` says which changed functions are running.
    suspended: suspendedSites(encoded.tasklets),
  };
}

