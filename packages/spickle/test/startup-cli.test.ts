// A command line of operands only (`spickle run script.ts args…`, `spickle resume file args…`)
// runs without loading commander (src/cli/main.ts). That shortcut must mean exactly what
// commander makes of the same command line; any option before the operand goes to commander.

import { describe, expect, it } from "vitest";
import { positionalCommand } from "../src/cli/main.js";
import { buildProgram, type CommandActions } from "../src/cli/program.js";

interface Parsed {
  command: string;
  operand: string;
  args: string[];
  options: Record<string, unknown>;
}

/** What commander parses `argv` to (the action's arguments), or the error it reports. */
async function commanderParse(argv: string[]): Promise<Parsed | "error"> {
  let parsed: Parsed | undefined;
  const actions: CommandActions = {
    run: async (operand, args, options) => void (parsed = { command: "run", operand, args, options: { ...options } }),
    resume: async (operand, args, options) => void (parsed = { command: "resume", operand, args, options: { ...options } }),
    inspect: async (operand, options) => void (parsed = { command: "inspect", operand, args: [], options: { ...options } }),
    view: async (files, options) => void (parsed = { command: "view", operand: files[0]!, args: files.slice(1), options: { ...options } }),
    diff: async (operand, options) => void (parsed = { command: "diff", operand, args: [], options: { ...options } }),
  };
  const program = buildProgram({}, actions);
  program.configureOutput({ writeErr: () => {}, writeOut: () => {} });
  try {
    await program.parseAsync(argv, { from: "user" });
  } catch {
    return "error";
  }
  return parsed ?? "error";
}

const operandsOnly: string[][] = [
  ["run", "job.ts"],
  ["run", "job.ts", "1000", "--steps", "3", "-c", "x", "--help", "--version"],
  ["run", "job.ts", "--", "after"],
  ["run", "help"],
  ["run", "resume", "run"],
  ["run", "dir/with space.ts", ""],
  ["resume", "job.ckpt"],
  ["resume", "job.ckpt", "again", "--verbose", "-h"],
  ["resume", "./-odd.ckpt", "-c", "y"],
];

const withOptions: string[][] = [
  ["run", "-c", "job.ckpt", "job.ts", "1"],
  ["run", "--checkpoint-every", "30s", "-c", "j.ckpt", "job.ts"],
  ["run", "--keep", "3", "-c", "j.ckpt", "job.ts"],
  ["run", "--serializable-modules", "lib/**", "job.ts"],
  ["resume", "--checkpoint-file", "next.ckpt", "job.ckpt", "x"],
  ["run", "--", "job.ts"],
  ["run", "--help"],
  ["run"],
  ["resume"],
  ["inspect", "job.ckpt"],
  ["--version"],
  [],
];

describe("operands-only command lines", () => {
  for (const argv of operandsOnly) {
    it(`spickle ${argv.map((a) => JSON.stringify(a)).join(" ")} means what commander says`, async () => {
      const shortcut = positionalCommand(argv);
      expect(shortcut).toBeDefined();
      expect(await commanderParse(argv)).toEqual({ ...shortcut, options: {} });
    });
  }

  for (const argv of withOptions) {
    it(`spickle ${argv.join(" ")} is left to commander`, async () => {
      expect(positionalCommand(argv)).toBeUndefined();
    });
  }

  it("options before the operand reach the command through commander", async () => {
    expect(await commanderParse(["run", "-c", "job.ckpt", "--keep", "2", "job.ts", "1"])).toEqual({
      command: "run",
      operand: "job.ts",
      args: ["1"],
      options: { checkpointFile: "job.ckpt", keep: 2 },
    });
  });
});
