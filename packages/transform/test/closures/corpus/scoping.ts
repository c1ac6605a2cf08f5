// Scoping corners: shadowing, blocks, catch, switch, hoisting, conditionally created closures.
import type { ClosureCase } from "../case.js";

function shadowing() {
  const x = "outer";
  const fns: (() => string)[] = [() => x];
  {
    const x = "block";
    fns.push(() => x);
    {
      const x = "inner";
      fns.push(() => x);
    }
  }
  return fns;
}

function hoistedUse() {
  const result = later();
  function later() {
    return value;
  }
  var value = "hoisted";
  return [result, later];
}

function catchClosure() {
  try {
    JSON.parse("{");
  } catch (error) {
    return () => (error as Error).name;
  }
  return () => "none";
}

function switchClosures(kind: string) {
  switch (kind) {
    case "a": {
      const tag = "A";
      return () => tag;
    }
    default: {
      let tag = "default";
      const f = () => tag;
      tag += "!";
      return f;
    }
  }
}

function conditional(flag: boolean) {
  let state = 0;
  const f = flag ? () => ++state : () => --state;
  return [f, () => state];
}

function blockFunctionDeclaration() {
  let n = 1;
  {
    function bump() {
      return ++n;
    }
    return bump;
  }
}

function objectShorthand() {
  let a = 1;
  const b = 2;
  const make = () => ({ a, b });
  const set = (v: number) => {
    a = v;
  };
  return { make, set };
}

function destructuringAssignment() {
  let first = 0;
  let second = 0;
  const swap = () => {
    [first, second] = [second + 1, first + 2];
    return [first, second];
  };
  return swap;
}

function typeofAndDelete() {
  let value: unknown = 1;
  return () => {
    const before = typeof value;
    value = "s";
    return [before, typeof value];
  };
}

function closureInTemplateTag() {
  const prefix = "<";
  const tag = (strings: TemplateStringsArray, ...values: unknown[]) => prefix + strings.raw.join("|") + values.join(",");
  return () => tag`a${1}b${2}c`;
}

function callWithoutThisLeak() {
  let self: unknown = "unset";
  function capture(this: unknown) {
    self = this;
  }
  return () => {
    capture();
    return self === undefined;
  };
}

function letInSwitchPerIteration() {
  const fns: (() => string)[] = [];
  for (const kind of ["x", "y"]) {
    switch (kind) {
      case "x":
      default: {
        const label = kind + "!";
        fns.push(() => label);
      }
    }
  }
  return fns;
}

function getterOnReturnedObject() {
  let reads = 0;
  return () => {
    const o = {
      get value() {
        return ++reads;
      },
    };
    return [o.value, o.value, reads];
  };
}

export const cases: ClosureCase[] = [
  { name: "switch inside a loop", make: letInSwitchPerIteration, use: (fns) => fns.map((f: () => string) => f()) },
  { name: "getter counting reads, behind an arrow", make: getterOnReturnedObject, use: (f) => f() },
  { name: "shadowed consts in nested blocks", make: shadowing, use: (fns) => fns.map((f: () => string) => f()) },
  { name: "hoisted declaration and var", make: hoistedUse, use: ([result, later]) => [result, later()] },
  { name: "catch parameter captured", make: catchClosure, use: (f) => f() },
  { name: "switch case block (case)", make: () => switchClosures("a"), use: (f) => f() },
  { name: "switch case block (default)", make: () => switchClosures("z"), use: (f) => f() },
  { name: "conditional closures", make: () => conditional(true), use: ([f, get]) => [f(), f(), get()] },
  { name: "function declared in a block", make: blockFunctionDeclaration, use: (f) => [f(), f()] },
  { name: "shorthand properties of captured variables", make: objectShorthand, use: (m) => [m.make(), m.set(5), m.make()] },
  { name: "destructuring assignment to captured variables", make: destructuringAssignment, use: (swap) => [swap(), swap()] },
  { name: "typeof a captured variable", make: typeofAndDelete, use: (f) => f() },
  { name: "captured tag function keeps this undefined", make: closureInTemplateTag, use: (f) => f() },
  { name: "captured function called plainly gets undefined this", make: callWithoutThisLeak, use: (f) => f() },
];
