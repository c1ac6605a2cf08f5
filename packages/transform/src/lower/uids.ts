// Unique names for temporaries. Babel's `scope.generateUid` tries `_name`, `_name2`, ... from the
// start on every call, so a function with thousands of temporaries costs quadratic time (seconds
// for a large generator). This does the same search but resumes where the last one for the same
// name stopped in the same program. The names it skips were taken when it looked, and uids are
// never released, so the result is still unused.

import type { NodePath } from "@babel/core";
import * as t from "@babel/types";

type Scope = NodePath["scope"];

const resume = new WeakMap<t.Node, Map<string, number>>();

export function generateUid(scope: Scope, hint: string): string {
  const name = t.toIdentifier(hint).replace(/^_+/, "").replace(/\d+$/g, "");
  const program = scope.getProgramParent();
  let counters = resume.get(program.block);
  if (counters === undefined) resume.set(program.block, (counters = new Map()));
  let i = counters.get(name) ?? 0;
  let uid: string;
  do {
    uid = candidate(name, i++);
  } while (scope.hasLabel(uid) || scope.hasBinding(uid) || scope.hasGlobal(uid) || scope.hasReference(uid));
  counters.set(name, i);
  program.references[uid] = true;
  program.uids[uid] = true;
  return uid;
}

/** Babel's sequence: `_name`, `_name2` ... `_name9`, `_name0`, `_name1`, `_name10`, ... */
function candidate(name: string, i: number): string {
  if (i >= 11) return `_${name}${i - 1}`;
  if (i >= 9) return `_${name}${i - 9}`;
  if (i >= 1) return `_${name}${i + 1}`;
  return `_${name}`;
}
