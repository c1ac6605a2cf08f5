// Kill tests of the real binary: a program that checkpoints continuously is killed with SIGKILL
// at random moments, 50 times per mode, each time resumed from what it left. After every kill
// each checkpoint file is present and verifies (length, CRC); once the next process has written
// its checkpoints, no temporary file of a dead writer is left.

import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSnapshotHeader } from "@spickle/pickle";
import { bin, delay, scratchWith, type Scratch } from "./cli-support.js";

const KILLS = 50;

let scratch: Scratch;

beforeAll(() => {
  scratch = scratchWith("checkpoints");
});

afterAll(() => scratch?.remove());

interface Mode {
  name: string;
  /** Options of both `run` and `resume`. */
  options: string[];
  /** `cp`: checkpoints after every step; `sleep`: only from outside. */
  program: "cp" | "sleep";
  files: string[];
  /** SIGTERM first, then SIGKILL a moment later (while it checkpoints for the signal). */
  termFirst?: boolean;
}

const MODES: Mode[] = [
  { name: "plain", options: [], program: "cp", files: ["w.ckpt"] },
  { name: "--keep 3", options: ["--keep", "3"], program: "cp", files: ["w.ckpt", "w.ckpt.1", "w.ckpt.2"] },
  { name: "periodic (--checkpoint-every 5ms)", options: ["--checkpoint-every", "5ms"], program: "sleep", files: ["w.ckpt"] },
  { name: "SIGTERM then SIGKILL", options: [], program: "cp", files: ["w.ckpt"], termFirst: true },
];

interface Tally {
  kills: number;
  missing: string[];
  corrupt: string[];
  stale: string[];
}

/** Identity of the file's current version (a checkpoint replaces it by a rename). */
function version(file: string): string | null {
  const stat = statSync(file, { throwIfNoEntry: false });
  return stat === undefined ? null : `${stat.ino}:${stat.mtimeMs}`;
}

function temporaries(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith(".tmp"));
}

async function killRounds(mode: Mode): Promise<Tally> {
  const dir = scratch.folder();
  const main = join(dir, "w.ckpt");
  const tally: Tally = { kills: 0, missing: [], corrupt: [], stale: [] };
  for (let round = 0; round <= KILLS; round++) {
    const args = round === 0
      ? ["run", "-c", "w.ckpt", ...mode.options, join(scratch.project, "writer.ts"), mode.program]
      : ["resume", ...mode.options, "w.ckpt"];
    const child = spawn(process.execPath, [bin, ...args], { cwd: dir, env: scratch.env(), stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk));
    let exitCode: number | null | undefined;
    const exited = new Promise<void>((resolve) => child.on("exit", (code) => ((exitCode = code), resolve())));
    // Two checkpoints of this process: after the first, it has removed dead writers' temporaries.
    let seen = version(main);
    let written = 0;
    while (written < 2) {
      if (exitCode !== undefined) throw new Error(`${mode.name}, round ${round}: exited ${exitCode} early: ${stderr}`);
      await delay(2);
      const now = version(main);
      if (now !== null && now !== seen) {
        written++;
        seen = now;
      }
    }
    if (round > 0) {
      const own = `.${child.pid}.`;
      for (const tmp of temporaries(dir)) if (!tmp.includes(own)) tally.stale.push(`round ${round}: ${tmp}`);
    }
    if (round === KILLS) {
      // The last one ends by SIGTERM: a checkpoint, exit 75, nothing left beside the files.
      child.kill("SIGTERM");
      await exited;
      expect(exitCode, stderr).toBe(75);
      expect(readdirSync(dir).filter((f) => !mode.files.includes(f))).toEqual([]);
      break;
    }
    await delay(Math.random() * 30);
    if (mode.termFirst === true) {
      child.kill("SIGTERM");
      await delay(Math.random() * 15);
    }
    child.kill("SIGKILL");
    await exited;
    tally.kills++;
    for (const name of mode.files) {
      const file = join(dir, name);
      if (name !== "w.ckpt" && round < 2) continue; // --keep's older slots fill over the first rounds
      if (!existsSync(file)) {
        tally.missing.push(`round ${round}: ${name}`);
        continue;
      }
      try {
        if (readSnapshotHeader(readFileSync(file), { key: null }).kind !== "checkpoint") tally.corrupt.push(`round ${round}: ${name} is not a checkpoint`);
      } catch (error) {
        tally.corrupt.push(`round ${round}: ${name}: ${(error as Error).message}`);
      }
    }
  }
  return tally;
}

describe("SIGKILL at random moments of a continuously checkpointing program", () => {
  it(`${KILLS} kills per mode: no checkpoint missing or corrupt, no stale temporaries after the next checkpoint`, async () => {
    const tallies = await Promise.all(MODES.map((mode) => killRounds(mode)));
    MODES.forEach((mode, i) => {
      const tally = tallies[i]!;
      expect({ mode: mode.name, ...tally }).toEqual({ mode: mode.name, kills: KILLS, missing: [], corrupt: [], stale: [] });
    });
  }, 1_200_000);
});
