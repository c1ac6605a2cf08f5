// What changed between two checkpoints of a program, from the page models of both (model.ts):
// tasklets created and ended (by id), frames that moved (another function or line), locals whose
// value changed (by their previews), and growth by type.
import type { TaskletView, ViewModel } from "./model.js";

export interface CompareView {
  before: { file: string; created: string | null };
  after: { file: string; created: string | null };
  created: Array<{ id: number; name: string; waits: string }>;
  ended: Array<{ id: number; name: string; waits: string }>;
  moved: Array<{ id: number; name: string; before: string; after: string }>;
  locals: Array<{ id: number; name: string; fn: string; key: string; before: string; after: string }>;
  growth: Array<{ type: string; count: number; countDelta: number; bytes: number; bytesDelta: number }>;
}

function where(t: TaskletView): string {
  const f = t.frames[0];
  if (f === undefined) return "(no frames)";
  return f.line === undefined ? f.fn : `${f.fn} (${f.module ?? f.file ?? ""}:${f.line})`;
}

export function compareModels(before: ViewModel, after: ViewModel): CompareView {
  const old = new Map(before.tasklets.map((t) => [t.id, t]));
  const now = new Map(after.tasklets.map((t) => [t.id, t]));
  const out: CompareView = {
    before: { file: before.file, created: before.created },
    after: { file: after.file, created: after.created },
    created: after.tasklets.filter((t) => !old.has(t.id)).map((t) => ({ id: t.id, name: t.name, waits: t.waits })),
    ended: before.tasklets.filter((t) => !now.has(t.id)).map((t) => ({ id: t.id, name: t.name, waits: t.waits })),
    moved: [],
    locals: [],
    growth: [],
  };
  for (const t of after.tasklets) {
    const o = old.get(t.id);
    if (o === undefined) continue;
    if (where(o) !== where(t) || o.frames.length !== t.frames.length) out.moved.push({ id: t.id, name: t.name, before: where(o), after: where(t) });
    // Frames are matched from the outermost: a deeper call adds frames inside.
    const depth = Math.min(o.frames.length, t.frames.length);
    for (let i = 1; i <= depth; i++) {
      const fo = o.frames[o.frames.length - i]!;
      const fn = t.frames[t.frames.length - i]!;
      if (fo.fn !== fn.fn) break;
      const values = new Map(fo.vars ?? []);
      for (const [key, value] of fn.vars ?? []) {
        const was = values.get(key);
        if (was !== value) out.locals.push({ id: t.id, name: t.name, fn: fn.fn, key, before: was ?? "(not set)", after: value });
      }
    }
  }
  const types = new Map(before.types.map((t) => [t.type, t]));
  const seen = new Set<string>();
  for (const t of after.types) {
    seen.add(t.type);
    const o = types.get(t.type);
    out.growth.push({ type: t.type, count: t.count, countDelta: t.count - (o?.count ?? 0), bytes: t.bytes, bytesDelta: t.bytes - (o?.bytes ?? 0) });
  }
  for (const o of before.types) if (!seen.has(o.type)) out.growth.push({ type: o.type, count: 0, countDelta: -o.count, bytes: 0, bytesDelta: -o.bytes });
  out.growth = out.growth.filter((g) => g.countDelta !== 0 || g.bytesDelta !== 0).sort((a, b) => b.bytesDelta - a.bytesDelta || b.countDelta - a.countDelta);
  return out;
}
