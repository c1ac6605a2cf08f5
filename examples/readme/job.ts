import { sleep, type CheckpointSupport } from "spickle";

// `spickle run -c job.ckpt job.ts 12` calls the default export with (cp, ...args).
export default function* job(cp: CheckpointSupport, stepsArg = "12") {
  const steps = Number(stepsArg);
  const seen = new Map<number, string>(); // any state: it is all in the checkpoint
  for (let step = 1; step <= steps; step++) {
    seen.set(step, `word-${(step * 7919) % 1000}`);
    console.log(`step ${step}: ${seen.get(step)}`);
    const checkpoint = yield* cp.checkpoint(); // returns twice: now, and after a resume
    if (checkpoint.resumed) console.log(`resumed after step ${step} (${seen.size} entries kept)`);
    yield* sleep(200); // a slow step of real work
  }
  return seen.size;
}
