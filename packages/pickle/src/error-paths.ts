// Path segments for error messages (`root.jobs[3].pending`). Computed only when an error is
// thrown, from the encoder's stack: each frame knows which of its values it is looking at.
import type { Frame } from "./walk-frame.js";
import { HandlerList } from "./kinds/description.js";
import { propertyAt } from "./kinds/props.js";
import * as T from "./tags.js";

const IDENT = /^[A-Za-z_$][\w$]*$/;

export function keySegment(key: string | symbol | undefined): string {
  if (key === undefined) return "";
  if (typeof key === "symbol") return `[${key.toString()}]`;
  return IDENT.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/** The path of the value frames stack[0…depth-1] are looking at. A value the user named (a
 * module's variable: a labelled HandlerList) starts the path afresh, from that name. */
export function pathOf(stack: readonly Frame[], depth: number): string {
  let p = "root";
  for (let i = 0; i < depth; i++) {
    const f = stack[i]!;
    const o = f.obj;
    if (o instanceof HandlerList && o.label !== null && f.pos === o.labelAt) p = o.label;
    else p += segmentOf(f);
  }
  return p;
}

export function segmentOf(f: Frame): string {
  if (f.keys !== null) return keySegment(f.keys[f.pos]);
  const d = f.desc;
  if (d === null) return `[${f.pos}]`;
  const pos = f.pos;
  if (f.stage === 0) {
    switch (d.tag) {
      case T.T_REDUCE:
        return pos === 0 ? ".[[restorer]]" : ".[[reduced state]]";
      case T.T_HANDLER:
        return `.[[${d.typeName} create ${pos - 1}]]`;
      case T.T_TYPED_ARRAY:
      case T.T_DATAVIEW:
        if (pos >= 2) return ".buffer";
    }
    return pos === 0 ? ".[[Prototype]]" : `.[[${d.typeName} ${pos}]]`;
  }
  if (d.fillKeys !== null) return keySegment(d.fillKeys[pos]);
  if (d.propsAt >= 0 && pos >= d.propsAt) return keySegment(propertyAt(d.fill, d.propsAt, pos));
  switch (d.tag) {
    case T.T_MAP:
      return pos % 2 === 1 ? `.[[key ${(pos - 1) >> 1}]]` : `.get(${preview(d.fill[pos - 1])})`;
    case T.T_SET:
      return `.[[value ${pos - 1}]]`;
    case T.T_HANDLER:
      return d.fillNames?.[pos] !== undefined ? keySegment(d.fillNames[pos]) : `.[[${d.typeName} fill ${pos}]]`;
  }
  return `.[[${d.typeName} ${pos}]]`;
}

function preview(key: unknown): string {
  if (typeof key === "string") return JSON.stringify(key.length > 40 ? key.slice(0, 40) + "…" : key);
  if (typeof key === "object" && key !== null) return "{…}";
  if (typeof key === "function") return "ƒ";
  return String(key);
}
