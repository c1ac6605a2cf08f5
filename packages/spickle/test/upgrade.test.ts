// `spickle diff` and `spickle resume --upgrade` over the scenarios of ./upgrade/scenarios.ts:
// each program is run to its first checkpoint, edited, compared, and resumed on the new code; the
// outputs must be exactly those of ./upgrade/expected.ts. (SPICKLE_UPDATE_SCENARIOS=1 rewrites that
// file from the actual outputs, for review.)

import { execFile } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bin, scratchWith } from "./cli-support.js";
import { expected, type Expected } from "./upgrade/expected.js";
import { scenarios } from "./upgrade/scenarios.js";

const scratch = scratchWith("cli");
afterAll(() => scratch.remove());

const UPDATE = process.env.SPICKLE_UPDATE_SCENARIOS === "1";
const actual: Record<string, Expected> = {};

interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

function spickle(args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd, env: scratch.env(), encoding: "utf8", timeout: 120_000 }, (error, stdout, stderr) => {
      const status = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
      resolve({ status, stdout, stderr });
    });
  });
}

/** At most two programs at a time (each is a node process compiling its sources). */
let running = 0;
const waiting: (() => void)[] = [];
async function slot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= 2) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await work();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

const timeless = (text: string) => text.replace(/\(written [0-9T:.Z-]+\)/g, "(written <time>)");

describe("upgrade scenarios: checkpoint, edit, diff, resume --upgrade", () => {
  it("has at least 30 scenarios, each with its expected output", () => {
    expect(scenarios.length).toBeGreaterThanOrEqual(30);
    if (!UPDATE) for (const s of scenarios) expect(Object.keys(expected), s.name).toContain(s.name);
  });

  for (const scenario of scenarios) {
    it.concurrent(scenario.name, { timeout: 600_000 }, () =>
      slot(async () => {
        const dir = join(scratch.folder(), "app");
        mkdirSync(dir, { recursive: true });
        for (const [file, text] of Object.entries(scenario.files)) writeFileSync(join(dir, file), text);
        const run = await spickle(["run", "-c", "job.ckpt", "main.ts"], dir);
        expect(run.stderr).toBe("");
        expect(run.status).toBe(0);
        for (const [file, text] of Object.entries(scenario.edits)) {
          if (text === null) rmSync(join(dir, file));
          else writeFileSync(join(dir, file), text);
        }
        const diff = await spickle(["diff", "job.ckpt"], dir);
        expect(diff.stderr).toBe("");
        const resume = await spickle(scenario.plain === true ? ["resume", "job.ckpt"] : ["resume", "--upgrade", "job.ckpt"], dir);
        const got: Expected = { run: run.stdout, diff: timeless(diff.stdout), stdout: resume.stdout, stderr: resume.stderr, status: resume.status };
        actual[scenario.name] = got;
        if (!UPDATE) expect(got).toEqual(expected[scenario.name]);
      }),
    );
  }

  afterAll(() => {
    if (!UPDATE) return;
    const q = (text: string) => "`" + text.replace(/\\/g, "\\\\").replace(/`/g, "\\`").replace(/\$\{/g, "\\${") + "`";
    // Scenarios not run this time (a -t filter) keep their expected output.
    const entries = scenarios
      .filter((s) => actual[s.name] !== undefined || expected[s.name] !== undefined)
      .map((s) => {
        const e = actual[s.name] ?? expected[s.name]!;
        return `  ${JSON.stringify(s.name)}: {\n    run: ${q(e.run)},\n    diff: ${q(e.diff)},\n    stdout: ${q(e.stdout)},\n    stderr: ${q(e.stderr)},\n    status: ${e.status},\n  },`;
      });
    const text = [
      "// The outputs of the upgrade scenarios (./scenarios.ts), as a user sees them: the first run's",
      "// stdout, `spickle diff`, and the resume's stdout, stderr and exit status.",
      "",
      "export interface Expected {",
      "  run: string;",
      "  diff: string;",
      "  stdout: string;",
      "  stderr: string;",
      "  status: number;",
      "}",
      "",
      "export const expected: Record<string, Expected> = {",
      ...entries,
      "};",
      "",
    ].join("\n");
    writeFileSync(join(import.meta.dirname, "upgrade", "expected.ts"), text);
  });
});
