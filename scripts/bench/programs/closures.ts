// Closure-heavy workloads for scripts/bench/closures.bench.mjs, built compiled and plain.

/** A hot loop calling a closure that updates a captured counter. */
export function counterLoop(n: number): number {
  let count = 0;
  const inc = (by: number) => {
    count += by;
  };
  for (let i = 0; i < n; i++) inc(i & 3);
  return count;
}

/** `array.map` with an arrow that captures a variable, repeated. */
export function mapArrow(rounds: number, size: number): number {
  const data = Array.from({ length: size }, (_, i) => i);
  let total = 0;
  for (let r = 0; r < rounds; r++) {
    const offset = r & 7;
    const mapped = data.map((x) => x * 2 + offset);
    total += mapped[mapped.length - 1]!;
  }
  return total;
}

class Vector {
  constructor(public x: number, public y: number) {}
  add(other: Vector): Vector {
    return new Vector(this.x + other.x, this.y + other.y);
  }
  dot(other: Vector): number {
    return this.x * other.x + this.y * other.y;
  }
}

/** Method calls on class instances. */
export function methodCalls(n: number): number {
  let acc = new Vector(0, 0);
  const step = new Vector(1, 2);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    acc = acc.add(step);
    sum += acc.dot(step) & 1023;
  }
  return sum;
}

/** Creating closures in a loop (one per iteration, per-iteration binding) and calling them. */
export function createClosures(n: number): number {
  let total = 0;
  for (let i = 0; i < n; i++) {
    const f = () => i + 1;
    total += f();
  }
  return total;
}
