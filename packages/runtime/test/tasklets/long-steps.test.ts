// Long steps (a CPU-bound tasklet): with the coarse clock the loop still gives the event loop a
// turn after each long step, so a timer's (or a signal handler's) pause lands at the next switch
// point; and a step longer than maxSlice is reported once.
import { beforeAll, describe, expect, test } from "vitest";
import { coarseClockTicking, schedule, Scheduler, type Tasklet } from "@spickle/runtime";

beforeAll(() => coarseClockTicking());

function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

function* cruncher(progress: { steps: number }, steps: number, ms: number) {
  for (let i = 0; i < steps; i++) {
    busy(ms);
    progress.steps++;
    yield* schedule();
  }
  return progress.steps;
}

/** Runs `cruncher` and asks for a pause from a timer after its first step started; resolves
 * with the steps done when the pause landed. */
async function stepsBeforePause(options: ConstructorParameters<typeof Scheduler>[0]): Promise<number> {
  const progress = { steps: 0 };
  const scheduler = new Scheduler(options);
  const done = scheduler.run(cruncher, progress, 12, 60);
  const paused = new Promise<number>((resolve) => {
    const landed = () => resolve(progress.steps);
    setTimeout(() => void scheduler.pause().then(landed, landed), 20);
  });
  const steps = await paused;
  if (scheduler.state === "paused") scheduler.resume().catch(() => {});
  await done;
  return steps;
}

describe("long steps", () => {
  test("with the coarse clock, a pause asked from the event loop lands within a step or two", async () => {
    const steps = await stepsBeforePause({ coarseClock: true, maxSlice: 60_000 });
    // Step 1 was running when the timer came due; the loop returns to the event loop after a long step.
    expect(steps).toBeGreaterThanOrEqual(1);
    expect(steps).toBeLessThanOrEqual(3);
  });

  test("without it the loop only looks every 256 switches: the same pause waits for the end", async () => {
    expect(await stepsBeforePause({})).toBe(12);
  });

  test("a step longer than maxSlice is reported once per tasklet, with about its duration", async () => {
    const reports: [string, number][] = [];
    const scheduler = new Scheduler({
      coarseClock: true,
      maxSlice: 100,
      onLongSlice: (tasklet: Tasklet, ms: number) => reports.push([tasklet.name, ms]),
    });
    expect(await scheduler.run(cruncher, { steps: 0 }, 3, 250)).toBe(3);
    expect(reports).toHaveLength(1);
    expect(reports[0]![0]).toBe("cruncher");
    expect(reports[0]![1]).toBeGreaterThanOrEqual(100);
  });

  test("short steps are not reported", async () => {
    const reports: number[] = [];
    const scheduler = new Scheduler({ coarseClock: true, maxSlice: 1000, onLongSlice: (_t, ms) => reports.push(ms) });
    expect(await scheduler.run(cruncher, { steps: 0 }, 20, 5)).toBe(20);
    expect(reports).toEqual([]);
  });
});
