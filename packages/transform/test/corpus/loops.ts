// for / while / do-while loops, labels, break and continue, yields in loop heads.
import type { GenCase } from "../support/case.js";

const log: unknown[] = [];

function* forWithYieldsInHead(): Generator<string, number, unknown> {
  let count = 0;
  for (let i = (yield "init?") as number; i < ((yield `test ${i}`) as number); i += (yield `update ${i}`) as number) {
    count++;
  }
  return count;
}

function* whileLoop(): Generator<number, void, unknown> {
  let n = 0;
  while (n < 4) {
    yield n;
    n++;
  }
}

function* doWhileRunsOnce(): Generator<string, void, unknown> {
  let n = 10;
  do {
    yield `body ${n}`;
    n++;
  } while (n < 5);
}

function* doWhileYieldInTest(): Generator<string, number, unknown> {
  let rounds = 0;
  do {
    rounds++;
  } while (yield `continue after ${rounds}?`);
  return rounds;
}

function* continueInDoWhileGoesToTest(): Generator<number, void, unknown> {
  let i = 0;
  do {
    i++;
    if (i % 2) continue;
    yield i;
  } while (i < 6);
}

function* labeledContinueOuter(): Generator<string, void, unknown> {
  outer: for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      if (j > i) continue outer;
      yield `${i}.${j}`;
    }
  }
}

function* labeledBlock(): Generator<number, string, unknown> {
  block: {
    yield 1;
    if ((yield 2) === "leave") break block;
    yield 3;
  }
  return "after block";
}

function* nestedBreaks(): Generator<string, void, unknown> {
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j < 4; j++) {
      if (j === 2) break;
      if (i === 2) break;
      yield `${i}${j}`;
    }
  }
}

function* varVersusLet(): Generator<unknown, unknown, unknown> {
  for (var i = 0; i < 2; i++) yield i;
  for (let j = 0; j < 2; j++) yield j;
  return typeof i === "number" ? i : "no i";
}

function* emptyForHead(): Generator<number, void, unknown> {
  let k = 0;
  for (;;) {
    if (k >= 3) break;
    yield k++;
  }
}

function* earlyReturnFromLoop(): Generator<number, string, unknown> {
  for (let i = 0; ; i++) {
    const sent = yield i;
    if (sent === "stop") return `stopped at ${i}`;
  }
}

function* singleStatementBodies(): Generator<number, void, unknown> {
  for (let i = 0; i < 2; i++) yield i;
  let w = 5;
  while (w-- > 3) yield w;
  do yield 100;
  while (false);
}

function* commaInForUpdate(): Generator<string, void, unknown> {
  for (let i = 0, j = 10; i < j; i += 3, j -= 3) yield `${i}/${j}`;
}

function* loopWithYieldInTestAndBody(): Generator<string, unknown[], unknown> {
  const got: unknown[] = [];
  while ((yield "test")) got.push(yield "body");
  return got;
}

function* countdownWithSends(): Generator<number, string, unknown> {
  let n = 5;
  while (n > 0) {
    const d = yield n;
    n -= typeof d === "number" ? d : 1;
  }
  return `landed at ${n}`;
}

function* loopBodyConstFreshEachIteration(): Generator<unknown, void, unknown> {
  for (let i = 0; i < 3; i++) {
    const square = i * i;
    const label = `sq${i}`;
    yield [label, square];
  }
}

export const cases: GenCase[] = [
  { name: "for with yields in init, test and update", make: () => forWithYieldsInHead(), sends: [0, 0, 3, 1, 3, 1, 3, 1, 3] },
  { name: "while loop", make: () => whileLoop() },
  { name: "do-while body runs once", make: () => doWhileRunsOnce() },
  { name: "do-while with yield in test", make: () => doWhileYieldInTest(), sends: [0, true, true, false] },
  { name: "continue in do-while goes to the test", make: () => continueInDoWhileGoesToTest() },
  { name: "labeled continue of the outer loop", make: () => labeledContinueOuter() },
  { name: "labeled block break", make: () => labeledBlock(), sends: [0, 0, "leave"] },
  { name: "labeled block without break", make: () => labeledBlock(), sends: [0, 0, "stay"] },
  { name: "nested breaks", make: () => nestedBreaks() },
  { name: "var versus let loop variables", make: () => varVersusLet() },
  { name: "empty for head", make: () => emptyForHead() },
  { name: "early return from an endless for", make: () => earlyReturnFromLoop(), sends: [0, 1, 2, "stop"] },
  { name: "single-statement loop bodies", make: () => singleStatementBodies() },
  { name: "comma in for update", make: () => commaInForUpdate() },
  { name: "yield in while test and body", make: () => loopWithYieldInTestAndBody(), sends: [0, 1, "a", 1, "b", 0], log },
  { name: "countdown steered by sends", make: () => countdownWithSends(), sends: [0, 2, "x", 3] },
  { name: "const in loop body is fresh each iteration", make: () => loopBodyConstFreshEachIteration() },
];
