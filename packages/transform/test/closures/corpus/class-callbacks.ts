// Methods of class instances given to native code — bound methods, arrow fields, methods with a
// thisArg — through Array.prototype.map/sort/forEach, setTimeout via a Promise and an
// EventEmitter: registered before the rebuild (at module level) and after it (in `use`).
import { EventEmitter } from "node:events";
import type { ClosureCase } from "../case.js";

class Scaler {
  #factor: number;
  constructor(factor: number) {
    this.#factor = factor;
  }
  scale(x: number): number {
    return x * this.#factor;
  }
  setFactor(factor: number): void {
    this.#factor = factor;
  }
}

const triple = new Scaler(3);
const scaleByTriple = triple.scale.bind(triple);
const halve = Scaler.prototype.scale.bind(new Scaler(0.5));

class Sorter {
  direction = 1;
  key: string;
  compare = (a: Record<string, number>, b: Record<string, number>) => (a[this.key]! - b[this.key]!) * this.direction;
  constructor(key: string) {
    this.key = key;
  }
  reverse(): this {
    this.direction *= -1;
    return this;
  }
}

const byAge = new Sorter("age");
const people = [{ age: 40, id: 1 }, { age: 30, id: 2 }, { age: 35, id: 3 }];

class Totals {
  sum = 0;
  count = 0;
  add(x: number): void {
    this.sum += x;
    this.count++;
  }
}

const totals = new Totals();
[1, 2, 3].forEach(totals.add, totals);

class Delayed {
  #value: number;
  fired: string[] = [];
  constructor(value: number) {
    this.#value = value;
  }
  tick = (label: string) => {
    this.fired.push(`${label}:${this.#value}`);
  };
  later(label: string): Promise<number> {
    return new Promise((resolve) => {
      setTimeout(this.tick, 0, label);
      setTimeout(() => resolve(this.#value * 2), 0);
    });
  }
}

const delayed = new Delayed(21);

class Thermostat {
  readings: number[] = [];
  alarms = 0;
  #limit: number;
  constructor(limit: number) {
    this.#limit = limit;
  }
  onReading = (value: number) => {
    this.readings.push(value);
  };
  check(value: number): void {
    if (value > this.#limit) this.alarms++;
  }
}

const bus = new EventEmitter();
const thermostat = new Thermostat(30);
bus.on("reading", thermostat.onReading);
bus.on("reading", thermostat.check.bind(thermostat));
bus.emit("reading", 20);

/** An EventEmitter subclass compiled with the program, with a private field. */
class Channel extends EventEmitter {
  #sent = 0;
  readonly name: string;
  constructor(name: string) {
    super();
    this.name = name;
  }
  send(message: string): number {
    this.#sent++;
    this.emit("message", `${this.name}:${message}`);
    return this.#sent;
  }
}

class Log {
  lines: string[] = [];
  write(line: string): void {
    this.lines.push(line);
  }
}

/** A one-shot listener, registered before the rebuild, that has not fired yet. */

const channel = new Channel("ops");
const log = new Log();
channel.on("message", log.write.bind(log));
channel.send("boot");

const startup = new EventEmitter();
const startupLog = new Log();
startup.once("ready", startupLog.write.bind(startupLog));

export const cases: ClosureCase[] = [
  {
    name: "bound methods given to Array.prototype.map",
    make: () => ({
      mapped: (xs: number[]) => [xs.map(scaleByTriple), xs.map(halve)],
      retune: (factor: number) => triple.setFactor(factor),
      bindAgain: (xs: number[]) => xs.map(triple.scale.bind(triple)),
    }),
    use: (m) => {
      const before = m.mapped([1, 2]);
      m.retune(10);
      return [before, m.mapped([1, 2]), m.bindAgain([3]), scaleByTriple.name, scaleByTriple.length];
    },
  },
  {
    name: "arrow field as a sort comparator",
    make: () => ({
      sort: () => [...people].sort(byAge.compare).map((p) => p.id),
      reverse: () => byAge.reverse(),
    }),
    use: (m) => {
      const ascending = m.sort();
      m.reverse();
      return [ascending, m.sort(), byAge.direction];
    },
  },
  {
    name: "method with a thisArg given to forEach",
    make: () => (xs: number[]) => {
      xs.forEach(totals.add, totals);
      return [totals.sum, totals.count];
    },
    use: (f) => [f([10]), f([20, 30])],
  },
  {
    name: "arrow field and closure given to setTimeout through a Promise",
    make: () => (label: string) => delayed.later(label),
    use: async (later) => {
      const results = [await later("a"), await later("b")];
      return [results, delayed.fired];
    },
  },
  {
    name: "EventEmitter listeners registered before and after the rebuild",
    make: () => ({
      emit: (value: number) => bus.emit("reading", value),
      listenOnce: (seen: number[]) => bus.once("reading", (v: number) => seen.push(v)),
      listen: (thermostat2: Thermostat) => bus.on("reading", thermostat2.onReading),
      state: () => [thermostat.readings, thermostat.alarms, bus.listenerCount("reading")],
    }),
    use: (m) => {
      const seen: number[] = [];
      m.listenOnce(seen);
      const second = new Thermostat(0);
      m.listen(second);
      m.emit(35);
      m.emit(25);
      return [m.state(), seen, second.readings];
    },
  },
  {
    name: "EventEmitter subclass with a private field",
    make: () => ({
      send: (message: string) => channel.send(message),
      lines: () => [...log.lines],
      onMessage: (f: (m: string) => void) => channel.on("message", f),
    }),
    use: (m) => {
      const mine: string[] = [];
      m.onMessage((msg: string) => mine.push(msg.toUpperCase()));
      return [m.send("deploy"), m.send("rollback"), m.lines(), mine, channel instanceof EventEmitter, channel.listenerCount("message")];
    },
  },
  {
    name: "EventEmitter once listener registered before the rebuild",
    make: () => (line: string) => {
      const fired = [startup.emit("ready", line), startup.emit("ready", `${line} again`)];
      return [fired, startupLog.lines, startup.listenerCount("ready")];
    },
    use: (f) => f("up"),
  },
];
