// Closures in loops: per-iteration bindings (0,1,2 — not 3,3,3), var sharing, nested loops.
import type { ClosureCase } from "../case.js";

function forLet() {
  const fns: (() => number)[] = [];
  for (let i = 0; i < 3; i++) fns.push(() => i);
  return fns;
}

function forVar() {
  const fns: (() => number)[] = [];
  for (var i = 0; i < 3; i++) fns.push(() => i);
  return fns;
}

function forLetMutatedInBody() {
  const fns: (() => number)[] = [];
  for (let i = 0; i < 6; i++) {
    fns.push(() => i);
    i++;
  }
  return fns;
}

function forOfConst() {
  const fns: (() => string)[] = [];
  for (const s of ["a", "b", "c"]) fns.push(() => s.toUpperCase());
  return fns;
}

function forInLet() {
  const fns: (() => string)[] = [];
  for (let k in { x: 1, y: 2, z: 3 }) fns.push(() => k + k);
  return fns;
}

function whileBlockLet() {
  const fns: (() => number)[] = [];
  let n = 0;
  while (n < 3) {
    const square = n * n;
    fns.push(() => square);
    n++;
  }
  return fns;
}

function nestedLoops() {
  const fns: (() => string)[] = [];
  for (let i = 0; i < 2; i++) {
    for (let j = 0; j < 2; j++) fns.push(() => `${i}${j}`);
  }
  return fns;
}

function closureInInitSeesFirstCopy() {
  const seen: (() => number)[] = [];
  for (let i = 0, first = () => i; i < 3; i++) seen.push(first);
  return seen;
}

function counterPerIteration() {
  const fns: (() => number)[] = [];
  for (let i = 0; i < 3; i++) {
    let hits = i * 10;
    fns.push(() => ++hits);
  }
  return fns;
}

function destructuredForOf() {
  const fns: (() => string)[] = [];
  for (const [k, v] of Object.entries({ a: 1, b: 2 })) fns.push(() => `${k}=${v}`);
  return fns;
}

function loopWithBreakAndContinue() {
  const fns: (() => number)[] = [];
  outer: for (let i = 0; i < 10; i++) {
    if (i % 2) continue;
    for (let j = 0; j < 10; j++) {
      if (j > 1) continue outer;
      if (i > 4) break outer;
      fns.push(() => i * 10 + j);
    }
  }
  return fns;
}

function doWhileLet() {
  const fns: (() => number)[] = [];
  let i = 0;
  do {
    const copy = i;
    fns.push(() => copy + i);
  } while (++i < 3);
  return fns;
}

export const cases: ClosureCase[] = [
  { name: "for let: 0,1,2", make: forLet, use: (fns) => fns.map((f: () => number) => f()) },
  { name: "for var: 3,3,3", make: forVar, use: (fns) => fns.map((f: () => number) => f()) },
  { name: "for let mutated in the body", make: forLetMutatedInBody, use: (fns) => fns.map((f: () => number) => f()) },
  { name: "for-of const", make: forOfConst, use: (fns) => fns.map((f: () => string) => f()) },
  { name: "for-in let", make: forInLet, use: (fns) => fns.map((f: () => string) => f()) },
  { name: "while with a block const", make: whileBlockLet, use: (fns) => fns.map((f: () => number) => f()) },
  { name: "nested for lets", make: nestedLoops, use: (fns) => fns.map((f: () => string) => f()) },
  { name: "closure in the for init sees the first copy", make: closureInInitSeesFirstCopy, use: (fns) => fns.map((f: () => number) => f()) },
  { name: "a counter per iteration", make: counterPerIteration, use: (fns) => [fns[0](), fns[0](), fns[2](), fns[1]()] },
  { name: "destructuring for-of", make: destructuredForOf, use: (fns) => fns.map((f: () => string) => f()) },
  { name: "labeled break and continue", make: loopWithBreakAndContinue, use: (fns) => fns.map((f: () => number) => f()) },
  { name: "do-while with a block const and a shared let", make: doWhileLet, use: (fns) => fns.map((f: () => number) => f()) },
];
