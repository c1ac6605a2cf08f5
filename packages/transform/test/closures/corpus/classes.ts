// Closures made inside classes: arrows in methods, arrow fields, static blocks, callbacks.
import type { ClosureCase } from "../case.js";

class Counter {
  count = 0;
  increment = () => ++this.count;
  makeAdder(step: number) {
    return () => (this.count += step);
  }
  static created = 0;
  static factory() {
    return () => {
      Counter.created++;
      return new Counter();
    };
  }
}

class Emitter {
  listeners: ((v: number) => void)[] = [];
  on(listener: (v: number) => void) {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }
  emit(v: number) {
    this.listeners.forEach((l) => l(v));
  }
}

function subscriber() {
  let sum = 0;
  let unsubscribe = () => {};
  return {
    subscribe: (emitter: Emitter) => {
      unsubscribe = emitter.on((v) => (sum += v));
    },
    unsubscribe: () => unsubscribe(),
    sum: () => sum,
  };
}

class Temperature {
  #celsius: number;
  constructor(c: number) {
    this.#celsius = c;
  }
  reader() {
    return () => this.read();
  }
  read() {
    return this.#celsius * 9 / 5 + 32;
  }
}

function localClass(label: string) {
  class Local {
    constructor(public n: number) {}
    describe() {
      return `${label}:${this.n}`;
    }
  }
  return (n: number) => new Local(n).describe();
}

function classExpressionName() {
  const Named = class Inner {
    static make() {
      return [1, 2].map(() => new Inner());
    }
  };
  return () => Named.make().length;
}

export const cases: ClosureCase[] = [
  { name: "arrow field captures the instance", make: () => new Counter().increment, use: (inc) => [inc(), inc()] },
  { name: "arrow returned by a method", make: () => new Counter().makeAdder(5), use: (add) => [add(), add()] },
  { name: "static factory arrow", make: () => Counter.factory(), use: (make) => [make().count, make() instanceof Counter] },
  {
    name: "unsubscribe closure",
    make: subscriber,
    use: (m) => {
      const emitter = new Emitter();
      m.subscribe(emitter);
      emitter.emit(1);
      emitter.emit(2);
      m.unsubscribe();
      emitter.emit(100);
      return [m.sum(), emitter.listeners.length];
    },
  },
  { name: "arrow over an instance with private state", make: () => new Temperature(100).reader(), use: (read) => read() },
  { name: "class declared in a function, captured by an arrow", make: () => localClass("L"), use: (f) => [f(1), f(2)] },
  { name: "class expression's own name from a lifted arrow", make: classExpressionName, use: (f) => f() },
];
