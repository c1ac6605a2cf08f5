// Tasklet programs checkpointed at every switch point and resumed — in the process that wrote
// the checkpoints and in fresh processes where no source file exists — compared line for line
// with the uninterrupted run.
//
// Each scenario (fixtures/tasklets/*.ts) is compiled into a temporary project folder that has
// only node_modules links to spickle. There, one child process runs it uninterrupted (the
// reference output) and another runs it while pausing the scheduler at every switch point in
// turn, writing checkpoint k at switch k and noting how many lines the program had printed by
// then; once the run is over, that process resumes every checkpoint itself. The project folder
// is then deleted, and one child process per scenario, started in an empty folder, resumes every
// checkpoint one after another (each load rebuilds the program's modules from the snapshot:
// fresh instances per resume). Checkpoint k must print exactly the rest of the reference output.
// Children turn on torture mode when SPICKLE_TORTURE=1.

import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { compile } from "@spickle/transform";

const run = promisify(execFile);
const spickle = fileURLToPath(new URL("..", import.meta.url));
const fixtures = fileURLToPath(new URL("./fixtures/tasklets/", import.meta.url));
const dist = {
  spickle: join(spickle, "dist/index.js"),
  checkpoint: join(spickle, "dist/checkpoint.js"),
  pickle: join(spickle, "../pickle/dist/index.js"),
};

/** Torture mode in a child, as the test setup does in this process. */
const torture = `
  const pickle = await import(${JSON.stringify(dist.pickle)});
  if (pickle.tortureRequested()) pickle.setTortureMode(true);`;

/** Resumes checkpoints 0..count-1 of `folder` one after another, each after a marker line. */
const resumeAll = `
  for (let k = 0; k < count; k++) {
    console.log("@@resume " + k);
    try {
      console.log("@@result " + JSON.stringify(await resumeCheckpoint(folder + "/" + k + ".checkpoint")));
    } catch (error) {
      console.log("@@error " + error.message);
    }
  }`;

/** Runs a program (argv: mode, module, checkpoint folder, args...). Mode "plain" just runs it;
 * "every" pauses at switch 0, 1, 2 … until it ends, writing k.checkpoint at each and, at the end,
 * points.json: for each checkpoint, the switch count and the lines printed so far; then it
 * resumes every checkpoint in this same process (where the program's modules are loaded). */
const writer = `
  import { writeFileSync } from "node:fs";
  ${torture}
  const { resumeCheckpoint, runCheckpointable } = await import(${JSON.stringify(dist.spickle)});
  const { checkpointBytes } = await import(${JSON.stringify(dist.checkpoint)});
  const [, mode, modulePath, folder, ...args] = process.argv;
  const { default: main } = await import(modulePath);
  let lines = 0;
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (chunk, ...rest) => {
    lines += String(chunk).split("\\n").length - 1;
    return write(chunk, ...rest);
  };
  let scheduler;
  const done = runCheckpointable(main, { onStart: (s) => (scheduler = s) }, ...args).then(
    (result) => console.log("@@result " + JSON.stringify(result)),
    (error) => console.log("@@error " + error.message),
  );
  if (mode === "every") {
    const points = [];
    for (let after = 0; ; after = 1) {
      try {
        await scheduler.pause({ afterSwitches: after });
      } catch {
        break; // the run ended
      }
      writeFileSync(folder + "/" + points.length + ".checkpoint", checkpointBytes(scheduler, {}));
      points.push({ switches: scheduler.switches, lines });
      scheduler.resume().catch(() => {}); // (the run's outcome is reported by \`done\`)
    }
    writeFileSync(folder + "/points.json", JSON.stringify({ points, switches: scheduler.switches }));
    await done;
    const count = points.length;
    ${resumeAll}
  }
  await done;`;

/** A fresh process resuming the checkpoints of a folder (argv: folder, count). */
const resumer = `
  ${torture}
  const { resumeCheckpoint } = await import(${JSON.stringify(dist.spickle)});
  const folder = process.argv[1];
  const count = Number(process.argv[2]);
  ${resumeAll}`;

interface Scenario {
  name: string;
  args: (data: string) => string[];
  /** The last line of the reference output. */
  outcome: string;
}

const scenarios: Scenario[] = [
  { name: "producer-consumer", args: () => ["12"], outcome: "@@result 650" },
  { name: "fan-out-fan-in", args: () => [], outcome: "@@result 3" },
  { name: "timers", args: () => [], outcome: '@@result ["0","25","50","75","100"]' },
  { name: "io-files", args: (data) => [data], outcome: "@@result 3" },
  { name: "kill-throw", args: () => [], outcome: '@@result "killed them all"' },
  { name: "errors", args: () => [], outcome: "@@error main fails at the end" },
  { name: "locks", args: () => [], outcome: '@@result "abcd"' },
  { name: "fork", args: () => [], outcome: '@@result "forked three times"' },
  { name: "using", args: () => [], outcome: '@@result "resources closed"' },
  { name: "structured", args: () => [], outcome: '@@result "structured"' },
];

interface Written {
  reference: string[];
  withCheckpoints: string[];
  /** The output of each checkpoint resumed in the process that wrote it. */
  resumedHere: string[][];
  points: { switches: number; lines: number }[];
  switches: number;
  folder: string;
}

/** The lines of a child's output (each ends with a newline: console.log). */
const lines = (text: string): string[] => text.split("\n").slice(0, -1);
const env = { ...process.env };
delete env.NODE_PATH;

const root = mkdtempSync(join(tmpdir(), "spickle-tasklets-"));
const project = join(root, "project");
const data = join(root, "data");
const empty = join(root, "empty");
const written = new Map<string, Written>();

/** The project folder: compiled scenarios and links to the packages they import, nothing else. */
function makeProject(): void {
  mkdirSync(join(project, "node_modules", "@spickle"), { recursive: true });
  symlinkSync(spickle, join(project, "node_modules", "spickle"));
  symlinkSync(join(spickle, "../runtime"), join(project, "node_modules", "@spickle", "runtime"));
  writeFileSync(join(project, "package.json"), '{ "type": "module" }');
  for (const { name } of scenarios) {
    const source = readFileSync(join(fixtures, `${name}.ts`), "utf8");
    const { code } = compile(source, { filename: join(project, `${name}.ts`), moduleId: `tasklets/${name}.ts` });
    writeFileSync(join(project, `${name}.mjs`), code);
  }
}

function makeData(): void {
  mkdirSync(data);
  writeFileSync(join(data, "alpha.txt"), "first line of alpha\n" + "a\n".repeat(10));
  writeFileSync(join(data, "beta.txt"), "beta begins here\n" + "bb\n".repeat(200));
  writeFileSync(join(data, "gamma.txt"), "gamma\n" + "ccc\n".repeat(5000));
}

async function write(scenario: Scenario): Promise<Written> {
  const folder = join(root, "checkpoints", scenario.name);
  mkdirSync(folder, { recursive: true });
  const program = (mode: string) =>
    run(process.execPath, ["--input-type=module", "-e", writer, mode, join(project, `${scenario.name}.mjs`), folder, ...scenario.args(data)], {
      cwd: project,
      env,
      encoding: "utf8",
      maxBuffer: 64 << 20,
    });
  const [plain, every] = await Promise.all([program("plain"), program("every")]);
  const { points, switches } = JSON.parse(readFileSync(join(folder, "points.json"), "utf8"));
  const output = lines(every.stdout);
  const firstResume = output.findIndex((line) => line.startsWith("@@resume "));
  const runEnd = firstResume < 0 ? output.length : firstResume;
  return {
    reference: lines(plain.stdout),
    withCheckpoints: output.slice(0, runEnd),
    resumedHere: splitResumes(output.slice(runEnd)),
    points,
    switches,
    folder,
  };
}

beforeAll(async () => {
  makeProject();
  makeData();
  mkdirSync(empty);
  // Two writers at a time (the machine has few cores; each writer runs two children).
  const queue = [...scenarios];
  const next = async (): Promise<void> => {
    const scenario = queue.shift();
    if (scenario === undefined) return;
    written.set(scenario.name, await write(scenario));
    await next();
  };
  await Promise.all([next(), next()]);
  // From here on, no source of the programs exists anywhere.
  rmSync(project, { recursive: true, force: true });
}, 180_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("checkpoint at every switch point; resume in the same process and in a fresh one without sources", () => {
  test.each(scenarios)("$name", async (scenario) => {
    const { reference, withCheckpoints, resumedHere, points, switches, folder } = written.get(scenario.name)!;
    expect(reference.at(-1)).toBe(scenario.outcome);
    // Pausing and writing checkpoints does not change what the program does.
    expect(withCheckpoints).toEqual(reference);
    // A checkpoint at every switch point: switch 0 (before anything ran) to the last one.
    expect(switches).toBeGreaterThan(10);
    expect(points.map((p) => p.switches)).toEqual([...Array(switches).keys()]);

    const { stdout } = await run(process.execPath, ["--input-type=module", "-e", resumer, folder, String(points.length)], {
      cwd: empty,
      env,
      encoding: "utf8",
      maxBuffer: 64 << 20,
    });
    const resumedElsewhere = splitResumes(lines(stdout));
    expect(resumedHere).toHaveLength(points.length);
    expect(resumedElsewhere).toHaveLength(points.length);
    for (const [k, { lines: printed }] of points.entries()) {
      const rest = reference.slice(printed);
      expect(resumedHere[k], `checkpoint ${k} of ${switches}, resumed in the process that wrote it`).toEqual(rest);
      expect(resumedElsewhere[k], `checkpoint ${k} of ${switches}, resumed in a fresh process`).toEqual(rest);
    }
  });
});

/** The resumer's output, one array of lines per checkpoint. */
function splitResumes(output: string[]): string[][] {
  const runs: string[][] = [];
  for (const line of output) {
    if (line.startsWith("@@resume ")) runs.push([]);
    else runs.at(-1)!.push(line);
  }
  return runs;
}
