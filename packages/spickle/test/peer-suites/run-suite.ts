// Drives the peer-suite runners: test262-runner.mjs over a list of test files split across a few
// processes, regenerator-runner.mjs over regenerator's suite; collects each test's result.
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { PeerBundles } from "./bundles.js";

export const TEST262_ROOT = fileURLToPath(new URL("../fixtures/peer-suites/test262/", import.meta.url));
export const REGENERATOR_ROOT = fileURLToPath(new URL("../fixtures/peer-suites/regenerator/", import.meta.url));
const TEST262_RUNNER = fileURLToPath(new URL("./test262-runner.mjs", import.meta.url));
const REGENERATOR_RUNNER = fileURLToPath(new URL("./regenerator-runner.mjs", import.meta.url));

export interface TestResult {
  file: string;
  pass: boolean;
  error?: string;
}

/** The .js tests under `test/<dir>` (recursively), as paths relative to the test262 root. */
export function testsUnder(dir: string): string[] {
  const out: string[] = [];
  const pending = [`test/${dir}`];
  while (pending.length > 0) {
    const rel = pending.pop()!;
    const abs = join(TEST262_ROOT, rel);
    if (!statSync(abs).isDirectory()) {
      if (rel.endsWith(".js")) out.push(rel);
      continue;
    }
    for (const name of readdirSync(abs)) pending.push(`${rel}/${name}`);
  }
  return out.sort();
}

/** Processes to spread a run over: SPICKLE_PEER_WORKERS, or the machine's cores up to four. */
function workerCount(): number {
  const asked = Number(process.env.SPICKLE_PEER_WORKERS);
  return Number.isInteger(asked) && asked > 0 ? asked : Math.min(4, availableParallelism());
}

export async function runTest262(files: string[], mode: "native" | "compiled", bundles?: PeerBundles): Promise<Map<string, TestResult>> {
  const dir = mkdtempSync(join(tmpdir(), "spickle-test262-"));
  try {
    const shards = Array.from({ length: Math.min(workerCount(), files.length) }, (_, i) => files.filter((_, j) => j % workerCount() === i));
    const outputs = await Promise.all(
      shards.map((shard, i) => {
        const jobFile = join(dir, `job-${i}.json`);
        writeFileSync(jobFile, JSON.stringify({
          root: TEST262_ROOT, mode, files: shard, compilerBundle: bundles?.compiler, runtimeBundle: bundles?.runtime,
        }));
        return runRunner(TEST262_RUNNER, jobFile);
      }),
    );
    const results = parseResults(outputs.join(""));
    for (const file of files) if (!results.has(file)) results.set(file, { file, pass: false, error: "runner died before this test" });
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Regenerator's suite, by "<describe> > <it>" title ("(module)" if the module itself threw). */
export async function runRegenerator(mode: "native" | "compiled", bundles?: PeerBundles): Promise<Map<string, TestResult>> {
  const dir = mkdtempSync(join(tmpdir(), "spickle-regenerator-"));
  try {
    const jobFile = join(dir, "job.json");
    writeFileSync(jobFile, JSON.stringify({ root: REGENERATOR_ROOT, mode, compilerBundle: bundles?.compiler, runtimeBundle: bundles?.runtime }));
    return parseResults(await runRunner(REGENERATOR_RUNNER, jobFile));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function parseResults(output: string): Map<string, TestResult> {
  const results = new Map<string, TestResult>();
  for (const line of output.split("\n")) {
    if (line.trim() === "") continue;
    const result = JSON.parse(line) as TestResult;
    results.set(result.file, result);
  }
  return results;
}

function runRunner(runner: string, jobFile: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--experimental-vm-modules", "--no-warnings", runner, jobFile], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    // A runner that dies mid-way still reports the tests it finished; the rest count as failed.
    child.on("close", (code) => {
      if (code !== 0 && stdout === "") reject(new Error(`${runner} exited with ${code}: ${stderr.slice(0, 2000)}`));
      else resolve(stdout.endsWith("\n") || stdout === "" ? stdout : `${stdout}\n`);
    });
  });
}
