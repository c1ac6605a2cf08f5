// The outputs of the upgrade scenarios (./scenarios.ts), as a user sees them: the first run's
// stdout, `spickle diff`, and the resume's stdout, stderr and exit status.

export interface Expected {
  run: string;
  diff: string;
  stdout: string;
  stderr: string;
  status: number;
}

export const expected: Record<string, Expected> = {
  "a1 helper bug fix: new calls use the fix": {
    run: `item 1 costs 11
`,
    diff: `checkpoint job.ckpt (written <time>): 1 module, 1 changed
module main.ts: changed (1 changed, 0 added, 0 removed)
  changed  price (declaration, main.ts:7): not on any stack (only referenced: closures, classes, module state)
`,
    stdout: `item 2 costs 20
`,
    stderr: `spickle: upgraded module main.ts (functions: 1 changed, 0 added, 0 removed)
`,
    status: 0,
  },
  "a2 fix in an imported module": {
    run: `got #0
`,
    diff: `checkpoint job.ckpt (written <time>): 2 modules, 1 changed
module main.ts: unchanged
module lib.ts: changed (1 changed, 0 added, 0 removed)
  changed  label (declaration, lib.ts:1): not on any stack (only referenced: closures, classes, module state)
`,
    stdout: `got #2
`,
    stderr: `spickle: upgraded module lib.ts (functions: 1 changed, 0 added, 0 removed)
`,
    status: 0,
  },
  "a3 fix in a module-level arrow held in a const": {
    run: `double 1 = 3
`,
    diff: `checkpoint job.ckpt (written <time>): 1 module, 1 changed
module main.ts: changed (1 changed, 0 added, 0 removed)
  changed  double (arrow, main.ts:7): not on any stack (only referenced: closures, classes, module state)
`,
    stdout: `double 2 = 4
`,
    stderr: `spickle: upgraded module main.ts (functions: 1 changed, 0 added, 0 removed)
`,
    status: 0,
  },
  "a4 fix in a method of a class with an instance in module state": {
    run: `helo ada
`,
    diff: `checkpoint job.ckpt (written <time>): 1 module, 1 changed
module main.ts: changed (2 changed, 0 added, 0 removed)
  changed  Greeter (class, main.ts:7): not on any stack (only referenced: closures, classes, module state)
  changed  Greeter.greet (classMember, main.ts:9): not on any stack (only referenced: closures, classes, module state)
`,
    stdout: `hello ada
`,
    stderr: `spickle: upgraded module main.ts (functions: 2 changed, 0 added, 0 removed)
`,
    status: 0,
  },
  "a5 reformatting and comments change no function": {
    run: `area 2
`,
    diff: `checkpoint job.ckpt (written <time>): 1 module, 1 changed
module main.ts: changed (0 changed, 0 added, 0 removed)
`,
    stdout: `area 4
`,
    stderr: `spickle: upgraded module main.ts (functions: 0 changed, 0 added, 0 removed)
`,
    status: 0,
  },
  "a6 a function added elsewhere is reported as added; nothing else moves": {
    run: `twice 2
`,
    diff: `checkpoint job.ckpt (written <time>): 1 module, 1 changed
module main.ts: changed (0 changed, 1 added, 0 removed)
  added    thrice (declaration, main.ts:7)
`,
    stdout: `twice 4
`,
    stderr: `spickle: upgraded module main.ts (functions: 0 changed, 1 added, 0 removed)
`,
    status: 0,
  },
  "a7 a closure in module state, fixed: captured variables fit, so it is re-bound": {
    run: `n:2
`,
    diff: `checkpoint job.ckpt (written <time>): 1 module, 1 changed
module main.ts: changed (2 changed, 0 added, 0 removed)
  changed  makeFormatter (declaration, main.ts:7): not on any stack (only referenced: closures, classes, module state)
  changed  makeFormatter.<arrow> (arrow, main.ts:8): not on any stack (only referenced: closures, classes, module state)
`,
    stdout: `n=2
`,
    stderr: `spickle: upgraded module main.ts (functions: 2 changed, 0 added, 0 removed)
`,
    status: 0,
  },
  "a8 a function removed that nothing holds": {
    run: `n1
`,
    diff: `checkpoint job.ckpt (written <time>): 1 module, 1 changed
module main.ts: changed (0 changed, 0 added, 1 removed)
  removed  unused (declaration, main.ts:7): not on any stack (only referenced: closures, classes, module state)
`,
    stdout: `n2
`,
    stderr: `spickle: upgraded module main.ts (functions: 0 changed, 0 added, 1 removed)
`,
    status: 0,
  },
  "a9 an arrow inside the suspended function changes: the frame finishes on its old code": {
    run: `3,1,2
`,
    diff: `checkpoint job.ckpt (written <time>): 1 module, 1 changed
module main.ts: changed (2 changed, 0 added, 0 removed)
  changed  main (declaration, main.ts:7): suspended in 1 frame
      tasklet 1 "main": at main (main.ts:11)  yield* stop(cp);
  changed  main.<arrow> (arrow, main.ts:10): not on any stack (only referenced: closures, classes, module state)
`,
    stdout: `6,2,4
`,
    stderr: `spickle: upgraded module main.ts (functions: 2 changed, 0 added, 0 removed)
spickle:   main.ts#main keeps its checkpoint code in the frames suspended in it, until they return
`,
    status: 0,
  },
  "b1 suspended step edited: its frame finishes on the old code, the next call uses the new": {
    run: `step 1 begins (v1)
`,
    diff: `checkpoint job.ckpt (written <time>): 1 module, 1 changed
module main.ts: changed (1 changed, 0 added, 0 removed)
  changed  step (declaration, main.ts:7): suspended in 1 frame
      tasklet 1 "main": at step (main.ts:9)  yield* stop(cp);
`,
    stdout: `step 1 ends (v1)
step 2 begins (v2)
`,
    stderr: `spickle: upgraded module main.ts (functions: 1 changed, 0 added, 0 removed)
spickle:   main.ts#step keeps its checkpoint code in the frames suspended in it, until they return
`,
    status: 0,
  },
  "b2 the main function itself edited: it runs its old loop to the end, new helpers reach it": {
    run: `v1 loop 1: 2
`,
    diff: `checkpoint job.ckpt (written <time>): 1 module, 1 changed
module main.ts: changed (2 changed, 0 added, 0 removed)
  changed  rate (declaration, main.ts:7): not on any stack (only referenced: closures, classes, module state)
  changed  main (declaration, main.ts:8): suspended in 1 frame
      tasklet 1 "main": at main (main.ts:11)  yield* stop(cp);
`,
    stdout: `v1 loop 2: 6
`,
    stderr: `spickle: upgraded module main.ts (functions: 2 changed, 0 added, 0 removed)
spickle:   main.ts#main keeps its checkpoint code in the frames suspended in it, until they return
`,
    status: 0,
  },
  "b3 innermost of three suspended frames edited": {
    run: ``,
    diff: `checkpoint job.ckpt (written <time>): 1 module, 1 changed
module main.ts: changed (1 changed, 0 added, 0 removed)
  changed  inner (declaration, main.ts:7): suspended in 1 frame
      tasklet 1 "main": at inner (main.ts:8)  yield* stop(cp);
`,
    stdout: `middle got 10
`,
    stderr: `spickle: upgraded module main.ts (functions: 1 changed, 0 added, 0 removed)
spickle:   main.ts#inner keeps its checkpoint code in the frames suspended in it, until they return
`,
    status: 0,
  },
  "b4 a suspension point added to the suspended function (its frame layout changes)": {
    run: `work 1 part 1
`,
    diff: `checkpoint job.ckpt (written <time>): 1 module, 1 changed
module main.ts: changed (1 changed, 0 added, 0 removed)
  changed  work (declaration, main.ts:7): suspended in 1 frame
      tasklet 1 "main": at work (main.ts:9)  yield* stop(cp);
`,
    stdout: `work 1 part 2
work 2 part 1
`,
    stderr: `spickle: upgraded module main.ts (functions: 1 changed, 0 added, 0 removed)
spickle:   main.ts#work keeps its checkpoint code in the frames suspended in it, until they return
`,
    status: 0,
  },
  "b5 two tasklets suspended in the edited function": {
    run: `a round 1 (v1)
b round 1 (v1)
`,
    diff: `checkpoint job.ckpt (written <time>): 1 module, 1 changed
module main.ts: changed (1 changed, 0 added, 0 removed)
  changed  worker (declaration, main.ts:7): suspended in 2 frames
      tasklet 2 "worker": at worker (main.ts:10)  yield* schedule();
      tasklet 3 "worker": at worker (main.ts:10)  yield* schedule();
`,
    stdout: `a round 2 (v1)
b round 2 (v1)
main done
`,
    stderr: `spickle: upgraded module main.ts (functions: 1 changed, 0 added, 0 removed)
spickle:   main.ts#worker keeps its checkpoint code in the frames suspended in it, until they return
`,
    status: 0,
  },
  "b6 a suspended function removed from the source keeps its old code": {
    run: `legacy starts
`,
    diff: `checkpoint job.ckpt (written <time>): 1 module, 1 changed
module main.ts: changed (1 changed, 0 added, 1 removed)
  changed  main (declaration, main.ts:10): suspended in 1 frame
      tasklet 1 "main": at main (main.ts:16)  yield* legacy(cp);
  removed  legacy (declaration, main.ts:7): suspended in 1 frame
      tasklet 1 "main": at legacy (main.ts:9)  yield* stop(cp);
`,
    stdout: `legacy ends
modern runs
`,
    stderr: `spickle: upgraded module main.ts (functions: 1 changed, 0 added, 1 removed)
spickle:   main.ts#main keeps its checkpoint code in the frames suspended in it, until they return
spickle:   main.ts#legacy was removed from the source; the checkpoint still holds it, so it keeps its checkpoint code
`,
    status: 0,
  },
  "b7 a generator closure suspended and edited": {
    run: `tick 1 (v1)
`,
    diff: `checkpoint job.ckpt (written <time>): 1 module, 1 changed
module main.ts: changed (2 changed, 0 added, 0 removed)
  changed  main (declaration, main.ts:7): suspended in 1 frame
      tasklet 1 "main": at main (main.ts:12)  for (let i = 1; i <= 2; i++) yield* tick(i);
  changed  main.tick#1 (function, main.ts:8): suspended in 1 frame
      tasklet 1 "main": at tick (main.ts:10)  yield* stop(cp);
`,
    stdout: `tick 2 (v2)
`,
    stderr: `spickle: upgraded module main.ts (functions: 2 changed, 0 added, 0 removed)
spickle:   main.ts#main keeps its checkpoint code in the frames suspended in it, until they return
`,
    status: 0,
  },
  "b8 suspended frame unchanged, a helper it calls fixed: the frame's next call gets the fix": {
    run: ``,
    diff: `checkpoint job.ckpt (written <time>): 1 module, 1 changed
module main.ts: changed (1 changed, 0 added, 0 removed)
  changed  label (declaration, main.ts:7): not on any stack (only referenced: closures, classes, module state)
`,
    stdout: `step 1: new-1
`,
    stderr: `spickle: upgraded module main.ts (functions: 1 changed, 0 added, 0 removed)
`,
    status: 0,
  },
  "c1 a new field, filled by the module's upgrade hook": {
    run: `ada: 10
bob: 20
`,
    diff: `checkpoint job.ckpt (written <time>): 1 module, 1 changed
module main.ts: changed (2 changed, 2 added, 0 removed)
  changed  Account (class, main.ts:7): not on any stack (only referenced: closures, classes, module state); fields +currency
  changed  Account.describe (classMember, main.ts:10): not on any stack (only referenced: closures, classes, module state)
  added    Account.currency (field, main.ts:8)
  added    upgrade (declaration, main.ts:16)
`,
    stdout: `upgrade hook of main.ts: main.ts#Account, main.ts#Account.describe
ada: 10 USD
bob: 20 USD
`,
    stderr: `spickle: upgraded module main.ts (functions: 2 changed, 2 added, 0 removed; its upgrade hook ran)
`,
    status: 0,
  },
  "c2 a new field without a hook: old instances do not have it": {
    run: `ada: 10
bob: 20
`,
    diff: `checkpoint job.ckpt (written <time>): 1 module, 1 changed
module main.ts: changed (2 changed, 1 added, 0 removed)
  changed  Account (class, main.ts:7): not on any stack (only referenced: closures, classes, module state); fields +currency
  changed  Account.describe (classMember, main.ts:10): not on any stack (only referenced: closures, classes, module state)
  added    Account.currency (field, main.ts:8)
`,
    stdout: `ada: 10 undefined
bob: 20 undefined
`,
    stderr: `spickle: upgraded module main.ts (functions: 2 changed, 1 added, 0 removed)
`,
    status: 0,
  },
  "c3 a field the instances have is no longer declared: refused by name": {
    run: `ada: 10
bob: 20
`,
    diff: `checkpoint job.ckpt (written <time>): 1 module, 1 changed
module main.ts: changed (3 changed, 0 added, 0 removed)
  changed  Account (class, main.ts:7): not on any stack (only referenced: closures, classes, module state); fields +amount -balance
  changed  Account.constructor (classMember, main.ts:8): not on any stack (only referenced: closures, classes, module state)
  changed  Account.describe (classMember, main.ts:9): not on any stack (only referenced: closures, classes, module state)
`,
    stdout: ``,
    stderr: `spickle: job.ckpt: cannot upgrade class main.ts#Account (main.ts:7): its new definition no longer declares field balance
`,
    status: 2,
  },
  "c4 a method added: existing instances get it": {
    run: `ada: 10
bob: 20
`,
    diff: `checkpoint job.ckpt (written <time>): 1 module, 1 changed
module main.ts: changed (2 changed, 1 added, 0 removed)
  changed  Account (class, main.ts:7): not on any stack (only referenced: closures, classes, module state)
  changed  report (declaration, main.ts:13): not on any stack (only referenced: closures, classes, module state)
  added    Account.initial (classMember, main.ts:9)
`,
    stdout: `ada: 10 A
bob: 20 B
`,
    stderr: `spickle: upgraded module main.ts (functions: 2 changed, 1 added, 0 removed)
`,
    status: 0,
  },
  "c5 a #private field added: refused (private fields must stay as they were)": {
    run: `count 1
`,
    diff: `checkpoint job.ckpt (written <time>): 1 module, 1 changed
module main.ts: changed (2 changed, 1 added, 0 removed)
  changed  Counter (class, main.ts:7): not on any stack (only referenced: closures, classes, module state); fields +#step
  changed  Counter.bump (classMember, main.ts:10): not on any stack (only referenced: closures, classes, module state)
  added    Counter."#step" (field, main.ts:9)
`,
    stdout: ``,
    stderr: `spickle: job.ckpt: cannot upgrade class main.ts#Counter (main.ts:7): its #private fields changed (#count → #count,#step)
`,
    status: 2,
  },
  "c6 a class method fixed, #private state kept": {
    run: `count 1
`,
    diff: `checkpoint job.ckpt (written <time>): 1 module, 1 changed
module main.ts: changed (2 changed, 0 added, 0 removed)
  changed  Counter (class, main.ts:7): not on any stack (only referenced: closures, classes, module state)
  changed  Counter.bump (classMember, main.ts:9): not on any stack (only referenced: closures, classes, module state)
`,
    stdout: `count 11
`,
    stderr: `spickle: upgraded module main.ts (functions: 2 changed, 0 added, 0 removed)
`,
    status: 0,
  },
  "c7 the hook is told what changed, what was added and removed": {
    run: `[{"x":1,"y":2}]
`,
    diff: `checkpoint job.ckpt (written <time>): 1 module, 1 changed
module main.ts: changed (1 changed, 3 added, 0 removed)
  changed  Point (class, main.ts:7): not on any stack (only referenced: closures, classes, module state); fields +z
  added    Point.z (field, main.ts:8)
  added    norm (declaration, main.ts:12)
  added    upgrade (declaration, main.ts:13)
`,
    stdout: `changed main.ts#Point added main.ts#Point.z,main.ts#norm,main.ts#upgrade removed -
[{"x":1,"y":2,"z":3}]
`,
    stderr: `spickle: upgraded module main.ts (functions: 1 changed, 3 added, 0 removed; its upgrade hook ran)
`,
    status: 0,
  },
  "d1 a variable renamed: reported, and the hook migrates it": {
    run: `total 1
`,
    diff: `checkpoint job.ckpt (written <time>): 1 module, 1 changed
module main.ts: changed (1 changed, 1 added, 0 removed)
  changed  add (declaration, main.ts:11): not on any stack (only referenced: closures, classes, module state)
  added    upgrade (declaration, main.ts:8)
`,
    stdout: `total 3
`,
    stderr: `spickle: upgraded module main.ts (functions: 1 changed, 1 added, 0 removed; its upgrade hook ran)
spickle:   variable total is no longer declared: its checkpoint value went to the upgrade hook
`,
    status: 0,
  },
  "d2 a variable renamed without a hook: reported, the new one starts from its initializer": {
    run: `total 1
`,
    diff: `checkpoint job.ckpt (written <time>): 1 module, 1 changed
module main.ts: changed (1 changed, 0 added, 0 removed)
  changed  add (declaration, main.ts:8): not on any stack (only referenced: closures, classes, module state)
`,
    stdout: `total 2
`,
    stderr: `spickle: upgraded module main.ts (functions: 1 changed, 0 added, 0 removed)
spickle:   variable total is no longer declared: its checkpoint value is dropped
`,
    status: 0,
  },
  "d3 a variable kept: its value carries over into the new code": {
    run: `total 1
`,
    diff: `checkpoint job.ckpt (written <time>): 1 module, 1 changed
module main.ts: changed (1 changed, 0 added, 0 removed)
  changed  add (declaration, main.ts:8): not on any stack (only referenced: closures, classes, module state)
`,
    stdout: `total 21
`,
    stderr: `spickle: upgraded module main.ts (functions: 1 changed, 0 added, 0 removed)
`,
    status: 0,
  },
  "d4 a new variable is initialised by the new module's code": {
    run: `seen 1
`,
    diff: `checkpoint job.ckpt (written <time>): 1 module, 1 changed
module main.ts: changed (1 changed, 0 added, 0 removed)
  changed  count (declaration, main.ts:9): not on any stack (only referenced: closures, classes, module state)
`,
    stdout: `seen 2
`,
    stderr: `spickle: upgraded module main.ts (functions: 1 changed, 0 added, 0 removed)
`,
    status: 0,
  },
  "d5 the hook migrates state into a new shape": {
    run: `seen 1
`,
    diff: `checkpoint job.ckpt (written <time>): 1 module, 1 changed
module main.ts: changed (1 changed, 1 added, 0 removed)
  changed  count (declaration, main.ts:11): not on any stack (only referenced: closures, classes, module state)
  added    upgrade (declaration, main.ts:8)
`,
    stdout: `seen 2
`,
    stderr: `spickle: upgraded module main.ts (functions: 1 changed, 1 added, 0 removed; its upgrade hook ran)
spickle:   variable seen is no longer declared: its checkpoint value went to the upgrade hook
`,
    status: 0,
  },
  "d6 a hook that throws stops the resume, naming its module": {
    run: `seen 1
`,
    diff: `checkpoint job.ckpt (written <time>): 1 module, 1 changed
module main.ts: changed (0 changed, 1 added, 0 removed)
  added    upgrade (declaration, main.ts:8)
`,
    stdout: ``,
    stderr: `spickle: job.ckpt: cannot resume: the upgrade hook of module main.ts failed: cannot migrate
`,
    status: 2,
  },
  "e1 a closure's captured variable renamed: refused by name": {
    run: `#1
`,
    diff: `checkpoint job.ckpt (written <time>): 1 module, 1 changed
module main.ts: changed (2 changed, 0 added, 0 removed)
  changed  makeFormatter (declaration, main.ts:7): not on any stack (only referenced: closures, classes, module state)
  changed  makeFormatter.<arrow> (arrow, main.ts:8): not on any stack (only referenced: closures, classes, module state)
`,
    stdout: ``,
    stderr: `spickle: job.ckpt: cannot upgrade function main.ts#makeFormatter.<arrow> (main.ts:8): its new code reads captured variable label, which the checkpoint's closure does not have (it captured: prefix)
`,
    status: 2,
  },
  "e2 a closure that captures one more variable: refused by name": {
    run: `#1
`,
    diff: `checkpoint job.ckpt (written <time>): 1 module, 1 changed
module main.ts: changed (2 changed, 0 added, 0 removed)
  changed  makeFormatter (declaration, main.ts:7): not on any stack (only referenced: closures, classes, module state)
  changed  makeFormatter.<arrow> (arrow, main.ts:8): not on any stack (only referenced: closures, classes, module state)
`,
    stdout: ``,
    stderr: `spickle: job.ckpt: cannot upgrade function main.ts#makeFormatter.<arrow> (main.ts:8): its new code reads captured variable suffix, which the checkpoint's closure does not have (it captured: prefix)
`,
    status: 2,
  },
  "e3 after a refusal, a plain resume continues on the checkpoint's code": {
    run: `#1
`,
    diff: `checkpoint job.ckpt (written <time>): 1 module, 1 changed
module main.ts: changed (2 changed, 0 added, 0 removed)
  changed  makeFormatter (declaration, main.ts:7): not on any stack (only referenced: closures, classes, module state)
  changed  makeFormatter.<arrow> (arrow, main.ts:8): not on any stack (only referenced: closures, classes, module state)
`,
    stdout: `#2
`,
    stderr: ``,
    status: 0,
  },
  "e4 a closure held by a suspended frame now reads a new variable: refused by name": {
    run: `101
`,
    diff: `checkpoint job.ckpt (written <time>): 1 module, 1 changed
module main.ts: changed (2 changed, 0 added, 0 removed)
  changed  main (declaration, main.ts:7): suspended in 1 frame
      tasklet 1 "main": at main (main.ts:12)  yield* stop(cp);
  changed  main.offset#1 (arrow, main.ts:10): not on any stack (only referenced: closures, classes, module state)
`,
    stdout: ``,
    stderr: `spickle: job.ckpt: cannot upgrade function main.ts#main.offset#1 (main.ts:10): its new code reads captured variable scale, which the checkpoint's closure does not have (it captured: base)
`,
    status: 2,
  },
  "e5 a closure's captured counter renamed: refused, naming the variable": {
    run: `next 11
`,
    diff: `checkpoint job.ckpt (written <time>): 1 module, 1 changed
module main.ts: changed (2 changed, 0 added, 0 removed)
  changed  counterFrom (declaration, main.ts:7): not on any stack (only referenced: closures, classes, module state)
  changed  counterFrom.<arrow> (arrow, main.ts:9): not on any stack (only referenced: closures, classes, module state)
`,
    stdout: ``,
    stderr: `spickle: job.ckpt: cannot upgrade function main.ts#counterFrom.<arrow> (main.ts:9): its new code reads captured variable current, which the checkpoint's closure does not have (it captured: n)
`,
    status: 2,
  },
  "e6 a closure fixed without touching its captures: re-bound, state kept": {
    run: `next 11
`,
    diff: `checkpoint job.ckpt (written <time>): 1 module, 1 changed
module main.ts: changed (2 changed, 0 added, 0 removed)
  changed  counterFrom (declaration, main.ts:7): not on any stack (only referenced: closures, classes, module state)
  changed  counterFrom.<arrow> (arrow, main.ts:9): not on any stack (only referenced: closures, classes, module state)
`,
    stdout: `next 13
`,
    stderr: `spickle: upgraded module main.ts (functions: 2 changed, 0 added, 0 removed)
`,
    status: 0,
  },
  "f1 without --upgrade nothing changes: the checkpoint's code runs": {
    run: `v1 1
`,
    diff: `checkpoint job.ckpt (written <time>): 1 module, 1 changed
module main.ts: changed (1 changed, 0 added, 0 removed)
  changed  name (declaration, main.ts:7): not on any stack (only referenced: closures, classes, module state)
`,
    stdout: `v1 2
`,
    stderr: ``,
    status: 0,
  },
  "f2 sources unchanged: diff finds nothing, the upgrade changes nothing": {
    run: `v1 1
`,
    diff: `checkpoint job.ckpt (written <time>): 1 module, 0 changed
module main.ts: unchanged
`,
    stdout: `v1 2
`,
    stderr: ``,
    status: 0,
  },
  "f3 a module deleted": {
    run: `lib
`,
    diff: `checkpoint job.ckpt (written <time>): 2 modules, 2 changed
module main.ts: changed (0 changed, 1 added, 0 removed)
  added    tag (arrow, main.ts:6)
module lib.ts: no longer in the sources
  removed  tag (declaration, lib.ts:1): not on any stack (only referenced: closures, classes, module state)
`,
    stdout: `inline
`,
    stderr: `spickle: upgraded module main.ts (functions: 0 changed, 1 added, 0 removed)
`,
    status: 0,
  },
};
