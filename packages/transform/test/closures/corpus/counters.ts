// Counters and shared captured variables.
import type { ClosureCase } from "../case.js";

function makeCounter(start = 0) {
  let count = start;
  return {
    inc: () => ++count,
    dec: () => --count,
    get: () => count,
  };
}

function makePair() {
  let shared = 0;
  function bump(by: number) {
    shared += by;
    return shared;
  }
  const read = () => shared;
  return [bump, read];
}

function makeAccount(balance: number) {
  const history: number[] = [];
  const deposit = (n: number) => {
    balance += n;
    history.push(n);
    return balance;
  };
  const withdraw = (n: number) => {
    if (n > balance) throw new RangeError(`insufficient: ${balance}`);
    balance -= n;
    history.push(-n);
    return balance;
  };
  return { deposit, withdraw, history: () => history.slice() };
}

function twoLevels() {
  let outer = 1;
  const mid = () => {
    let inner = 10;
    return () => (outer++) * 100 + (inner++);
  };
  return { a: mid(), b: mid(), peek: () => outer };
}

function threeLevels(x: number) {
  return (y: number) => (z: number) => {
    x += 1;
    return x * 100 + y * 10 + z;
  };
}

function idGenerator(prefix: string) {
  let next = 0;
  return () => `${prefix}-${next++}`;
}

function sharedBetweenSiblings() {
  let log = "";
  const a = () => (log += "a");
  const b = () => (log += "b");
  const show = () => log;
  return { a, b, show };
}

function independentCounters() {
  return [makeCounter(0).inc, makeCounter(100).inc];
}

function counterWithReset() {
  let n = 0;
  return {
    inc() {
      return ++n;
    },
    reset() {
      n = 0;
    },
    value: () => n,
  };
}

function varCounter() {
  var total = 0;
  var add = function (n: number) {
    total += n;
    return total;
  };
  return { add, total: () => total };
}

export const cases: ClosureCase[] = [
  { name: "counter shares its variable", make: () => makeCounter(5), use: (c) => [c.inc(), c.inc(), c.dec(), c.get()] },
  { name: "declared function and arrow share", make: () => makePair(), use: ([bump, read]) => [bump(2), bump(3), read()] },
  {
    name: "account with history array (a handle)",
    make: () => makeAccount(10),
    use: (a) => [a.deposit(5), a.withdraw(3), a.history(), (() => { try { return a.withdraw(100); } catch (e) { return String(e); } })()],
  },
  { name: "two levels: outer shared, inner per call", make: () => twoLevels(), use: (t) => [t.a(), t.a(), t.b(), t.a(), t.peek()] },
  { name: "curried three levels mutate the outermost", make: () => threeLevels(1)(2), use: (f) => [f(3), f(4)] },
  { name: "id generator", make: () => idGenerator("job"), use: (next) => [next(), next(), next()] },
  { name: "siblings append to one string", make: () => sharedBetweenSiblings(), use: (s) => [s.a(), s.b(), s.a(), s.show()] },
  { name: "independent counters stay independent", make: () => independentCounters(), use: ([a, b]) => [a(), a(), b(), a(), b()] },
  { name: "object-literal methods share with an arrow", make: () => counterWithReset(), use: (c) => [c.inc(), c.inc(), c.reset(), c.value(), c.inc()] },
  { name: "var function expression and var total", make: () => varCounter(), use: (c) => [c.add(1), c.add(2), c.total()] },
];
