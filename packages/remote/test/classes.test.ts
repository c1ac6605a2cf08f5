// Classes by value on a connection: closures that use the caller's classes run on a worker that
// has never seen them, instances and errors of those classes come back as the caller's own, and
// the seed's remote-compute example runs end to end.

import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { remoteMethod, type Connection } from "@spickle/remote";
import { connectStdio, ensureBuilt, program, repoRoot, spickleBin, workerEnv } from "./helpers.js";

const SOURCE = `
export class Point {
  constructor(readonly x: number, readonly y: number) {}
  plus(other: Point) { return new Point(this.x + other.x, this.y + other.y); }
  get length() { return Math.hypot(this.x, this.y); }
}

export class WrongQuestion extends Error {
  constructor(readonly question: string) {
    super("wrong question: " + question);
    this.name = "WrongQuestion";
  }
}

export function makeMover(offset: Point) {
  const steps: Point[] = [];
  return (p: Point) => {
    steps.push(p);
    return { moved: p.plus(offset), steps: steps.length, isPoint: p instanceof Point };
  };
}

export function ask(question: string) {
  if (question !== "life") throw new WrongQuestion(question);
  return 42;
}
`;

type Program = {
  Point: new (x: number, y: number) => { x: number; y: number; plus(o: unknown): unknown; readonly length: number };
  WrongQuestion: new (q: string) => Error & { question: string };
  makeMover(offset: unknown): (p: unknown) => { moved: { x: number; y: number; length: number }; steps: number; isPoint: boolean };
  ask(question: string): number;
};

let p: Program;
let conn: Connection;

beforeAll(async () => {
  ensureBuilt();
  p = await program<Program>("classes", SOURCE);
  conn = await connectStdio();
});

afterAll(async () => {
  await conn?.close();
});

describe("classes on a connection", () => {
  test("a closure capturing an instance of the caller's class runs remotely; results are the caller's instances", async () => {
    const move = remoteMethod(conn, p.makeMover(new p.Point(1, 1)));
    const r = await move(new p.Point(2, 3));
    expect(r.isPoint).toBe(true); // the worker's own copy of the class, for both arguments
    expect(r.steps).toBe(1);
    expect(r.moved).toBeInstanceOf(p.Point);
    expect(r.moved.length).toBe(5);
  });

  test("an error of the caller's class thrown remotely arrives as that class, message and fields kept", async () => {
    const error = (await remoteMethod(conn, p.ask)("meaning").catch((e: unknown) => e)) as Error & { question: string };
    expect(error).toBeInstanceOf(p.WrongQuestion);
    expect(error.message).toBe("wrong question: meaning");
    expect(error.question).toBe("meaning");
    expect(error.stack).toMatch(/^WrongQuestion: wrong question: meaning\n[\s\S]*\n--- remote stack, the worker .*---\nWrongQuestion: wrong question: meaning\n\s+at /);
    expect(await remoteMethod(conn, p.ask)("life")).toBe(42);
  });
});

describe("examples/remote-compute", () => {
  const expected = [
    "INFO:remoteLogger:Starting function with parameters: 22, 20",
    "INFO:remoteLogger:Computing ...",
    "INFO:remoteLogger:Computing is done.",
    "Result: Result(value=42, error=null, exception=null)",
    "INFO:remoteLogger:Starting function with parameters: '4', '1'",
    "INFO:remoteLogger:Computing ...",
    "INFO:remoteLogger:Computing is done.",
    'Result: Result(value="41", error="Result is inconsistent with previous calculations!", exception=null)',
    "INFO:remoteLogger:Starting function with parameters: '42', null",
    "INFO:remoteLogger:Computing ...",
    "INFO:remoteLogger:Computing is done.",
    `Result: Result(value=null, error="Hey, you asked the wrong question. Try again with different parameters!", exception=TypeError("unsupported operand type(s) for +: 'string' and 'null'"))`,
  ];
  const main = join(repoRoot, "examples", "remote-compute", "main.ts");

  test("runs with a local worker: logger calls come back in order, before each result; results are this process's", () => {
    const output = execFileSync(process.execPath, [spickleBin, "run", main], { cwd: repoRoot, env: workerEnv(), encoding: "utf8" });
    expect(output.trimEnd().split("\n")).toEqual(expected);
  });

  test("runs with the worker command given on the command line (as with ssh host spickle worker --stdio)", () => {
    const command = ["sh", "-c", `exec "${process.execPath}" "${spickleBin}" worker --stdio`];
    const output = execFileSync(process.execPath, [spickleBin, "run", main, ...command], { cwd: repoRoot, env: workerEnv(), encoding: "utf8" });
    expect(output.trimEnd().split("\n")).toEqual(expected);
  });
});
