// Object-literal methods and accessors as closures; bound functions.
import type { ClosureCase } from "../case.js";

function store() {
  let items: string[] = [];
  return {
    add(item: string) {
      items.push(item);
      return this;
    },
    get size() {
      return items.length;
    },
    set list(value: string[]) {
      items = value.slice();
    },
    get list() {
      return items.slice();
    },
    clear: () => {
      items = [];
    },
  };
}

function accessorOrder() {
  let hidden = 1;
  return () => {
    const o = {
      a: 1,
      get b() {
        return hidden;
      },
      c: 3,
      set d(v: number) {
        hidden = v;
      },
    };
    o.d = 5;
    return [Object.keys(o), o.b, Object.getOwnPropertyDescriptor(o, "b")!.enumerable];
  };
}

function boundGreeter() {
  const greeter = {
    greeting: "hi",
    greet(name: string, punctuation: string) {
      return `${this.greeting} ${name}${punctuation}`;
    },
  };
  return greeter.greet.bind(greeter, "ann");
}

function boundArrowAndPartial() {
  let calls = 0;
  const add = (a: number, b: number, c: number) => {
    calls++;
    return a + b + c;
  };
  return { add1: add.bind(null, 1), add12: add.bind(null, 1, 2), calls: () => calls };
}

function boundOfBound() {
  function tag(this: { t: string }, a: string, b: string) {
    return `${this.t}:${a}${b}`;
  }
  return tag.bind({ t: "x" }, "1").bind(null, "2");
}

function methodNames() {
  const o = {
    plain() {
      return 1;
    },
    "with space"() {
      return 2;
    },
    42() {
      return 3;
    },
    get g() {
      return 4;
    },
  };
  return () => [o.plain.name, o["with space"].name, o[42].name, Object.getOwnPropertyDescriptor(o, "g")!.get!.name];
}

function methodsNotConstructible() {
  const o = {
    m() {
      return 1;
    },
  };
  const arrow = () => 1;
  const fn = function () {
    return 1;
  };
  return () => {
    const tryNew = (f: any) => {
      try {
        new f();
        return "constructed";
      } catch (e) {
        return (e as Error).constructor.name;
      }
    };
    return [tryNew(o.m), tryNew(arrow), tryNew(fn), "prototype" in o.m, "prototype" in fn];
  };
}

export const cases: ClosureCase[] = [
  {
    name: "methods and accessors share a variable",
    make: () => {
      const s = store();
      return { add: s.add, size: Object.getOwnPropertyDescriptor(s, "size")!.get, clear: s.clear, setList: Object.getOwnPropertyDescriptor(s, "list")!.set };
    },
    use: (m) => {
      const self = {};
      m.add.call(self, "a");
      m.add.call(self, "b");
      const before = m.size();
      m.setList(["x", "y", "z"]);
      const after = m.size();
      m.clear();
      return [before, after, m.size()];
    },
  },
  { name: "accessors keep the literal's property order", make: accessorOrder, use: (f) => f() },
  { name: "bound method with a bound argument", make: boundGreeter, use: (f) => [f("!"), f("?"), f.name, f.length] },
  { name: "bound arrow, partial application", make: boundArrowAndPartial, use: (m) => [m.add1(2, 3), m.add12(10), m.calls()] },
  { name: "bind of a bound function", make: boundOfBound, use: (f) => [f(), f.name] },
  { name: "method names", make: methodNames, use: (f) => f() },
  { name: "methods and arrows are not constructible", make: methodsNotConstructible, use: (f) => f() },
];
