// The source text of each function and class, as written, for `Function.prototype.toString` of
// the compiled ones (the runtime answers it from this table; see runtime/src/source-text.ts). The
// table holds the text of the outermost functions and classes once; a nested one is a range of it.

import { types as t } from "@babel/core";
import type { Unit } from "./units.js";

/** Original [start, end) of every function and class node of the parsed file. */
export type SourceRanges = WeakMap<t.Node, readonly [number, number]>;

/** Records the ranges of the freshly parsed `ast` (the passes keep these node objects). */
export function recordSourceRanges(ast: t.Node): SourceRanges {
  const ranges: SourceRanges = new WeakMap();
  t.traverseFast(ast, (node) => {
    if ((t.isFunction(node) || t.isClass(node)) && node.start != null && node.end != null) ranges.set(node, [node.start, node.end]);
  });
  return ranges;
}

/** Class methods and accessors are found by their class, placement, kind and key (runtime
 * `methodOf`): `classId:prototype:value:name`. Computed keys are left out. The text starts after
 * `static` and TypeScript's modifiers, as a native method's does after `static`. */
function classMemberEntry(unit: Unit, source: string, ranges: SourceRanges): { id: string; start: number; end: number } | null {
  const node = unit.node;
  const owner = unit.parent;
  if (!t.isClassMethod(node) || node.kind === "constructor" || node.computed || owner === null || owner.kind !== "class") return null;
  const range = ranges.get(node);
  if (range === undefined) return null;
  const key = t.isIdentifier(node.key) ? node.key.name : t.isStringLiteral(node.key) ? node.key.value : t.isNumericLiteral(node.key) ? String(node.key.value) : null;
  if (key === null) return null;
  const kind = node.kind === "method" ? "value" : node.kind;
  const modifiers = /^(?:(?:static|public|private|protected|override|abstract|readonly|declare)\b\s*)*/.exec(source.slice(range[0], range[1]))![0];
  return { id: `${owner.id}:${node.static ? "static" : "prototype"}:${kind}:${key}`, start: range[0] + modifiers.length, end: range[1] };
}

/** Units whose values are functions or classes the runtime can name by site id. */
const SOURCE_KINDS = new Set<Unit["kind"]>(["declaration", "function", "arrow", "method", "getter", "setter", "class"]);

/** `{ text, ranges: { siteId: [start, end] } }` for the units that have a source range, or null. */
export function sourceTable(units: readonly Unit[], source: string, ranges: SourceRanges): t.ObjectExpression | null {
  const sited: { id: string; start: number; end: number }[] = [];
  for (const unit of units) {
    const range = SOURCE_KINDS.has(unit.kind) ? ranges.get(unit.node) : undefined;
    if (range !== undefined) sited.push({ id: unit.id, start: range[0], end: range[1] });
    const member = unit.kind === "classMember" ? classMemberEntry(unit, source, ranges) : null;
    if (member !== null) sited.push(member);
  }
  if (sited.length === 0) return null;
  // Outermost ranges, in source order, concatenated; each unit's range rebased onto the text.
  const byStart = [...sited].sort((a, b) => a.start - b.start || b.end - a.end);
  let text = "";
  const base = new Map<{ id: string }, number>();
  let segmentStart = -1;
  let segmentEnd = -1;
  let segmentOffset = 0;
  for (const entry of byStart) {
    if (entry.start >= segmentEnd) {
      segmentStart = entry.start;
      segmentEnd = entry.end;
      segmentOffset = text.length;
      text += source.slice(entry.start, entry.end);
    }
    base.set(entry, segmentOffset - segmentStart);
  }
  const properties = sited.map((entry) => {
    const shift = base.get(entry)!;
    const range = t.arrayExpression([t.numericLiteral(entry.start + shift), t.numericLiteral(entry.end + shift)]);
    return t.objectProperty(t.stringLiteral(entry.id), range);
  });
  return t.objectExpression([
    t.objectProperty(t.identifier("text"), t.stringLiteral(text)),
    t.objectProperty(t.identifier("ranges"), t.objectExpression(properties)),
  ]);
}
