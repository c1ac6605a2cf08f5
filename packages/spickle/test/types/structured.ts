// Type tests of structured concurrency (join, all, race, select): what a user's code gets.
import { expectTypeOf } from "vitest";
import { all, Channel, GroupOp, JoinOp, race, select, SelectOp, Tasklet, type ResultOf, type SelectCase, type Selected } from "spickle";

function* numberTask(): Generator<unknown, number, unknown> {
  yield;
  return 1;
}
function* stringTask(): Generator<unknown, string, unknown> {
  yield;
  return "s";
}

export function* parent(): Generator<unknown, void, unknown> {
  const n = new Tasklet(numberTask);
  const s = new Tasklet(stringTask);
  expectTypeOf(n.join()).toEqualTypeOf<JoinOp<number>>();
  expectTypeOf(yield* n.join()).toEqualTypeOf<number>();
  expectTypeOf(all([n, s])).toEqualTypeOf<GroupOp<[number, string]>>();
  const [first, second] = yield* all([n, s]);
  expectTypeOf(first).toEqualTypeOf<number>();
  expectTypeOf(second).toEqualTypeOf<string>();
  expectTypeOf(yield* race([n, s])).toEqualTypeOf<number | string>();
  expectTypeOf<ResultOf<typeof s>>().toEqualTypeOf<string>();
  const ch = new Channel<number>();
  const cases: SelectCase[] = [ch.receive(), ch.send(1), n.join()];
  expectTypeOf(select(...cases)).toEqualTypeOf<SelectOp>();
  const picked = yield* select(ch.receive(), s.join());
  expectTypeOf(picked).toEqualTypeOf<Selected>();
  expectTypeOf(picked.index).toEqualTypeOf<number>();
  n.daemon = true;
  // @ts-expect-error select() takes channel ops and joins, not values
  select(1);
}
