// Locals that die and are born between suspension points: step-local bindings (never in the
// frame), loops that run natively inside one step (with break/continue, labels, try/finally),
// shadowing, closures capturing a loop variable, values live across the next yield.
import type { GenCase } from "../support/case.js";

const log: unknown[] = [];

function* sumThenYield(n: number): Generator<number, number, unknown> {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += i;
  yield sum;
  return -1;
}

function* bornAfterYield(): Generator<number, number, unknown> {
  yield 1;
  const a = 10;
  const b = a * 2;
  yield a + b;
  const c = b - 1;
  return c;
}

function* deadBeforeSecondYield(): Generator<string, string, unknown> {
  const temp = ["x", "y"].join("+");
  yield temp;
  const other = temp.length;
  yield `len ${other}`;
  return "done";
}

function* shadowedNames(): Generator<number, number, unknown> {
  let x = 1;
  {
    let x = 100;
    x += 1;
    yield x;
  }
  {
    const x = 200;
    log.push(x);
  }
  yield x;
  for (let x = 0; x < 3; x++) log.push(`inner ${x}`);
  return x;
}

function* breakOutOfVerbatimLoop(): Generator<number, number, unknown> {
  let found = -1;
  for (let i = 0; i < 100; i++) {
    const square = i * i;
    if (square > 50) {
      found = i;
      break;
    }
  }
  yield found;
  return found * 2;
}

function* continueInVerbatimLoop(): Generator<number, number, unknown> {
  let odd = 0;
  for (let i = 0; i < 10; i++) {
    if (i % 2 === 0) continue;
    odd += i;
  }
  yield odd;
  let even = 0;
  let j = 0;
  while (j < 10) {
    j++;
    if (j % 2) continue;
    even += j;
  }
  return even;
}

function* labeledContinueInVerbatimLoops(): Generator<string, number, unknown> {
  let pairs = 0;
  outer: for (let i = 0; i < 5; i++) {
    for (let j = 0; j < 5; j++) {
      if (j > i) continue outer;
      if (i + j === 7) break outer;
      pairs++;
    }
  }
  yield `pairs ${pairs}`;
  return pairs;
}

function* labeledBreakCrossesYieldLoop(): Generator<string, string, unknown> {
  let last = "";
  outer: for (let i = 0; i < 3; i++) {
    const tag = `row ${i}`;
    for (let j = 0; j < 3; j++) {
      if (j === 2) continue outer;
      if (i === 2) break outer;
      last = `${tag}/${j}`;
    }
    yield tag;
  }
  return last;
}

function* yieldEveryFew(n: number): Generator<number, number, unknown> {
  let acc = 0;
  for (let i = 0; i < n; i++) {
    const step = (i * 7) % 5;
    acc += step;
    if (i % 4 === 3) yield acc;
  }
  return acc;
}

function* liveAcrossYieldInLoop(): Generator<number, number, unknown> {
  let total = 0;
  for (let round = 0; round < 3; round++) {
    let inner = 0;
    for (let k = 0; k <= round; k++) inner += k;
    const got = (yield inner) as number | undefined;
    total += inner + (got ?? 0);
  }
  return total;
}

function* tryFinallyInsideVerbatimLoop(): Generator<number, number, unknown> {
  let cleaned = 0;
  for (let i = 0; i < 4; i++) {
    try {
      if (i === 2) continue;
      log.push(`body ${i}`);
    } finally {
      cleaned++;
    }
  }
  yield cleaned;
  return cleaned;
}

function* throwFromVerbatimLoopCaught(): Generator<string, number, unknown> {
  let reached = 0;
  try {
    for (let i = 0; i < 10; i++) {
      reached = i;
      if (i === 3) throw new Error(`stop at ${i}`);
    }
    yield "not reached";
  } catch (error) {
    yield `caught ${(error as Error).message} after ${reached}`;
  }
  return reached;
}

function* finallyReadsLoopResult(): Generator<string, string, unknown> {
  let progress = 0;
  try {
    for (let i = 0; i < 5; i++) progress += i;
    yield `progress ${progress}`;
    progress = -progress;
  } finally {
    log.push(`finally sees ${progress}`);
  }
  return `end ${progress}`;
}

function* returnFromLoopThroughFinally(): Generator<string, number, unknown> {
  try {
    for (let i = 0; i < 10; i++) {
      const doubled = i * 2;
      if (doubled === 6) return doubled;
    }
  } finally {
    log.push("finally after return");
    yield "in finally";
  }
  return -1;
}

function* closureCapturesLoopVariable(): Generator<number, number, unknown> {
  const fns: (() => number)[] = [];
  for (let i = 0; i < 3; i++) fns.push(() => i * 10);
  yield fns.length;
  let sum = 0;
  for (const fn of fns) sum += fn();
  return sum;
}

function* closureCreatedBeforeYieldCalledAfter(): Generator<string, string, unknown> {
  const makers: (() => string)[] = [];
  for (let i = 0; i < 3; i++) {
    const label = `item ${i}`;
    makers.push(() => label);
    yield `made ${i}`;
  }
  return makers.map((m) => m()).join(",");
}

function* closureInVerbatimLoopDiesThere(): Generator<number, number, unknown> {
  let total = 0;
  for (let i = 0; i < 5; i++) {
    const add = (x: number) => x + i;
    total = add(total);
  }
  yield total;
  return total;
}

function* catchVariableDiesInCatch(): Generator<string, string, unknown> {
  let message = "";
  try {
    JSON.parse("{");
  } catch (error) {
    const kind = (error as Error).name;
    message = kind;
  }
  yield message;
  try {
    yield "inside";
    throw new Error("boom");
  } catch (error) {
    const text = (error as Error).message;
    yield `caught ${text}`;
  }
  return message;
}

function* varHoistedAcrossYield(): Generator<unknown, unknown, unknown> {
  yield typeof hoisted;
  var hoisted = 5;
  yield hoisted;
  if (hoisted > 1) {
    var inner = hoisted * 2;
  }
  return inner;
}

function* varInLoopReassigned(): Generator<number, number, unknown> {
  for (var i = 0; i < 3; i++) {
    var last = i;
  }
  yield i;
  return last! + i;
}

function* switchInsideLoop(): Generator<string, string, unknown> {
  const seen: string[] = [];
  for (let i = 0; i < 6; i++) {
    switch (i % 3) {
      case 0: {
        const zero = `z${i}`;
        seen.push(zero);
        break;
      }
      case 1:
        continue;
      default:
        seen.push(`d${i}`);
    }
  }
  yield seen.join(" ");
  return seen.length.toString();
}

function* switchWithYieldAndBlockLocals(v: number): Generator<string, string, unknown> {
  switch (v) {
    case 1: {
      const a = "one";
      yield a;
      return a.toUpperCase();
    }
    case 2: {
      const b = "two";
      return b;
    }
    default: {
      const c = yield "default";
      return String(c);
    }
  }
}

function* functionDeclarationInBlock(): Generator<number, number, unknown> {
  let result = 0;
  {
    function twice(x: number) {
      return x * 2;
    }
    result = twice(21);
  }
  yield result;
  {
    function thrice(x: number) {
      return x * 3;
    }
    yield thrice(result);
  }
  return result;
}

function* destructuringBetweenYields(): Generator<unknown, unknown, unknown> {
  const { a, b: [c, d] } = { a: 1, b: [2, 3] };
  yield a + c + d;
  const [first, ...rest] = [10, 20, 30];
  for (const [k, v] of Object.entries({ p: 1, q: 2 })) log.push(`${k}=${v}`);
  yield rest.length + first;
  return { a };
}

function* forOfAndForInVerbatim(): Generator<string, string, unknown> {
  let keys = "";
  for (const key in { x: 1, y: 2, z: 3 }) {
    if (key === "y") continue;
    keys += key;
  }
  yield keys;
  let letters = "";
  for (const ch of "hello") {
    if (ch === "l") break;
    letters += ch;
  }
  return letters;
}

function* forOfWithYieldAndLocals(): Generator<string, number, unknown> {
  let count = 0;
  for (const word of ["alpha", "beta", "gamma"]) {
    const upper = word.toUpperCase();
    if (upper.startsWith("B")) continue;
    count += upper.length;
    yield upper;
  }
  return count;
}

function* doWhileVerbatim(): Generator<number, number, unknown> {
  let n = 0;
  do {
    n += 3;
  } while (n < 10);
  yield n;
  let m = 100;
  do {
    m -= 7;
    if (m < 80) break;
  } while (true);
  return m;
}

function* nestedGeneratorCallsInLoop(): Generator<number, number, unknown> {
  let total = 0;
  for (let i = 0; i < 3; i++) {
    for (const v of sumThenYield(i + 2)) total += v;
  }
  yield total;
  return total;
}

function* sentValueDiesImmediately(): Generator<string, string, unknown> {
  const first = (yield "first?") as string;
  const shout = `${first}!`;
  const second = (yield shout) as string;
  return `${second}`;
}

function* accumulateSends(): Generator<number, number, unknown> {
  let total = 0;
  for (;;) {
    const got = (yield total) as number | undefined;
    if (got === undefined || got < 0) break;
    const doubled = got * 2;
    total += doubled;
  }
  return total;
}

function* loopResultLiveAcrossTwoYields(): Generator<number, number, unknown> {
  let product = 1;
  for (let i = 1; i <= 5; i++) product *= i;
  yield 0;
  yield product;
  return product + 1;
}

function* whileWithBreakAndLocals(limit: number): Generator<number, number, unknown> {
  let i = 0;
  let hits = 0;
  while (true) {
    const value = (i * 13) % 17;
    if (value === 0 && i > 0) break;
    if (value > 8) hits++;
    if (++i > limit) break;
  }
  yield hits;
  return i;
}

function* parameterReadInHotLoop(n: number, step: number): Generator<number, number, unknown> {
  let acc = 0;
  for (let i = 0; i < n; i += step) acc += i;
  yield acc;
  n = 3;
  for (let i = 0; i < n; i++) acc -= 1;
  return acc + n;
}

function* argumentsInLoop(..._args: number[]): Generator<number, number, unknown> {
  let sum = 0;
  for (let i = 0; i < arguments.length; i++) sum += arguments[i] as number;
  yield sum;
  return arguments.length;
}

function* thisInLoop(this: { base: number } | void): Generator<number, number, unknown> {
  let sum = 0;
  const self = this as { base: number };
  for (let i = 0; i < 3; i++) sum += self.base + i;
  yield sum;
  return sum;
}

function* labeledBlockBreakBetweenYields(): Generator<string, string, unknown> {
  let state = "start";
  check: {
    const ready = state.length > 3;
    if (ready) break check;
    state = "unreachable";
  }
  yield state;
  block: {
    yield "in block";
    const late = `${state}+late`;
    if (late.length > 0) break block;
  }
  return state;
}

function* exceptionFromCallInLoopCaughtOutside(): Generator<string, string, unknown> {
  const items = [1, 2, 0, 4];
  let processed = 0;
  try {
    for (const item of items) {
      if (item === 0) throw new RangeError("zero");
      processed += 10 / item;
    }
  } catch (error) {
    yield `caught ${(error as Error).name} after ${processed}`;
  }
  return `processed ${processed}`;
}

function* nestedTryFinallyCleansPerIteration(): Generator<string, number, unknown> {
  let opened = 0;
  let closed = 0;
  for (let i = 0; i < 3; i++) {
    opened++;
    try {
      const resource = `r${i}`;
      if (i === 1) yield resource;
    } finally {
      closed++;
    }
  }
  return opened * 10 + closed;
}

function* mapUpdateLoop(): Generator<number, number, unknown> {
  const counts = new Map<string, number>();
  for (const word of "a b a c b a".split(" ")) counts.set(word, (counts.get(word) ?? 0) + 1);
  yield counts.get("a")!;
  let weight = 0;
  for (const [word, count] of counts) weight += word.charCodeAt(0) * count;
  return weight;
}

function* innerLoopPerOuterYield(): Generator<number[], number, unknown> {
  const rows: number[][] = [];
  for (let r = 0; r < 3; r++) {
    const row: number[] = [];
    for (let c = 0; c < 3; c++) {
      if (c === r) continue;
      row.push(r * 3 + c);
    }
    rows.push(row);
    yield row;
  }
  return rows.length;
}

function* closureCapturesVarInLoopAcrossYield(): Generator<number, number, unknown> {
  const getters: (() => number)[] = [];
  for (var k = 0; k < 3; k++) getters.push(() => k);
  yield getters[0]!();
  k = 10;
  return getters[1]!();
}

function* compoundAssignmentsAndUpdates(): Generator<number, number, unknown> {
  let a = 1;
  let b = 2;
  for (let i = 0; i < 4; i++) {
    a <<= 1;
    b **= 1;
    a ||= 0;
    b ??= 5;
    [a, b] = [b, a];
  }
  yield a;
  return b;
}

function* generatorNeverYieldsWithLoop(): Generator<never, number, unknown> {
  let total = 0;
  for (let i = 0; i < 20; i++) {
    if (i === 15) break;
    total += i;
  }
  return total;
}

function* yieldInsideVerbatimLoopOfClosureOnly(): Generator<number, number, unknown> {
  let made = 0;
  for (let i = 0; i < 3; i++) {
    const inner = function* () {
      yield i;
    };
    for (const v of inner()) made += v;
  }
  yield made;
  return made;
}

function* tdzShapedButValid(): Generator<number, number, unknown> {
  let out = 0;
  for (let i = 0; i < 3; i++) {
    let fresh;
    if (i === 1) fresh = 5;
    out += fresh ?? 0;
  }
  yield out;
  return out;
}

export const cases: GenCase[] = [
  { name: "sum in a verbatim loop, then yield", make: () => sumThenYield(10) },
  { name: "locals born after a yield", make: () => bornAfterYield() },
  { name: "local dead before the second yield", make: () => deadBeforeSecondYield() },
  { name: "shadowed names in blocks and loops", make: () => shadowedNames(), log },
  { name: "break out of a verbatim loop", make: () => breakOutOfVerbatimLoop() },
  { name: "continue in verbatim loops", make: () => continueInVerbatimLoop() },
  { name: "labeled continue and break in verbatim loops", make: () => labeledContinueInVerbatimLoops() },
  { name: "labeled jumps across a loop that yields", make: () => labeledBreakCrossesYieldLoop() },
  { name: "yield every few iterations", make: () => yieldEveryFew(13) },
  { name: "inner loop result live across a yield", make: () => liveAcrossYieldInLoop(), sends: [0, 5, 6, 7] },
  { name: "try/finally inside a verbatim loop", make: () => tryFinallyInsideVerbatimLoop(), log },
  { name: "throw from a verbatim loop, caught", make: () => throwFromVerbatimLoopCaught() },
  { name: "finally reads a loop result", make: () => finallyReadsLoopResult(), log },
  { name: "return from a loop through finally", make: () => returnFromLoopThroughFinally(), log },
  { name: "closures capture a loop variable", make: () => closureCapturesLoopVariable() },
  { name: "closure made before a yield, called after", make: () => closureCreatedBeforeYieldCalledAfter() },
  { name: "closure in a verbatim loop", make: () => closureInVerbatimLoopDiesThere() },
  { name: "catch variables die in their catch", make: () => catchVariableDiesInCatch() },
  { name: "var hoisted across a yield", make: () => varHoistedAcrossYield() },
  { name: "var reassigned in a loop", make: () => varInLoopReassigned() },
  { name: "switch inside a verbatim loop", make: () => switchInsideLoop() },
  { name: "switch with yields and block locals, case 1", make: () => switchWithYieldAndBlockLocals(1) },
  { name: "switch with yields and block locals, case 2", make: () => switchWithYieldAndBlockLocals(2) },
  { name: "switch with yields and block locals, default", make: () => switchWithYieldAndBlockLocals(9), sends: [0, "sent"] },
  { name: "function declarations in blocks", make: () => functionDeclarationInBlock() },
  { name: "destructuring between yields", make: () => destructuringBetweenYields(), log },
  { name: "for-of and for-in run verbatim", make: () => forOfAndForInVerbatim() },
  { name: "for-of with a yield and block locals", make: () => forOfWithYieldAndLocals() },
  { name: "do-while loops run verbatim", make: () => doWhileVerbatim() },
  { name: "generators driven inside a loop", make: () => nestedGeneratorCallsInLoop() },
  { name: "sent values die right away", make: () => sentValueDiesImmediately(), sends: [0, "hey", "last"] },
  { name: "sends accumulated until a negative one", make: () => accumulateSends(), sends: [0, 1, 2, 3, -1] },
  { name: "loop result live across two yields", make: () => loopResultLiveAcrossTwoYields() },
  { name: "while(true) with breaks and locals", make: () => whileWithBreakAndLocals(40) },
  { name: "parameters read and written around hot loops", make: () => parameterReadInHotLoop(20, 3) },
  { name: "arguments read in a loop", make: () => argumentsInLoop(1, 2, 3, 4) },
  { name: "this read in a loop", make: () => thisInLoop.call({ base: 7 }) },
  { name: "labeled blocks broken between yields", make: () => labeledBlockBreakBetweenYields() },
  { name: "exception from a for-of call caught outside", make: () => exceptionFromCallInLoopCaughtOutside() },
  { name: "try/finally per iteration with a yield in one", make: () => nestedTryFinallyCleansPerIteration() },
  { name: "Map updated in a loop", make: () => mapUpdateLoop() },
  { name: "inner loop per outer yield", make: () => innerLoopPerOuterYield() },
  { name: "closures capture a var of a loop across a yield", make: () => closureCapturesVarInLoopAcrossYield() },
  { name: "compound assignments and swaps in a loop", make: () => compoundAssignmentsAndUpdates() },
  { name: "generator that never yields, with a loop", make: () => generatorNeverYieldsWithLoop() },
  { name: "nested generator function in a loop", make: () => yieldInsideVerbatimLoopOfClosureOnly() },
  { name: "let without initializer in a loop", make: () => tdzShapedButValid() },
];
