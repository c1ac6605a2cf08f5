// Map and Set: insertion order is the iteration order, keys may be objects. Entries are fill
// values (a Map may contain itself). Methods are captured from the intrinsics so an instance
// whose class overrides set/add is still filled through the builtin slot operations.
import type { Decoder } from "../decoder.js";
import * as T from "../tags.js";
import { description, type Description } from "./description.js";
import { applyProps, describeProps } from "./props.js";

const mapForEach = Map.prototype.forEach;
const setForEach = Set.prototype.forEach;
const mapSize = Object.getOwnPropertyDescriptor(Map.prototype, "size")!.get!;
const setSize = Object.getOwnPropertyDescriptor(Set.prototype, "size")!.get!;
const mapSet = Map.prototype.set;
const setAdd = Set.prototype.add;

export function describeMap(m: Map<unknown, unknown>, proto: object | null): Description {
  const n = mapSize.call(m) as number;
  const fill: unknown[] = new Array(1 + 2 * n);
  fill[0] = n;
  let i = 1;
  mapForEach.call(m, (v, k) => {
    fill[i++] = k;
    fill[i++] = v;
  });
  return withProps(description(T.T_MAP, "Map", [proto === Map.prototype ? T.DEFAULT_PROTO : proto], fill), m);
}

export function describeSet(s: Set<unknown>, proto: object | null): Description {
  const n = setSize.call(s) as number;
  const fill: unknown[] = new Array(1 + n);
  fill[0] = n;
  let i = 1;
  setForEach.call(s, (v) => {
    fill[i++] = v;
  });
  return withProps(description(T.T_SET, "Set", [proto === Set.prototype ? T.DEFAULT_PROTO : proto], fill), s);
}

function withProps(d: Description, obj: object): Description {
  d.propsAt = d.fill.length;
  if (!describeProps(obj, d.fill)) {
    d.propsAt = -1;
    if (d.fill[0] === 0) d.fill = [];
  }
  return d;
}

function count(rec: unknown[], pos: number, width: number): number {
  const n = rec[pos];
  if (typeof n !== "number" || n >>> 0 !== n || pos + 1 + n * width > rec.length) throw new Error("bad collection size");
  return n;
}

function create(rec: unknown[], dec: Decoder, obj: object, def: object): object {
  const proto = dec.proto(rec[0], def);
  if (proto !== def) Object.setPrototypeOf(obj, proto);
  return obj;
}

export const MAP_KIND = {
  create: (rec: unknown[], dec: Decoder) => create(rec, dec, new Map(), Map.prototype),
  fill(m: Map<unknown, unknown>, rec: unknown[], pos: number, dec: Decoder) {
    const n = count(rec, pos, 2);
    let p = pos + 1;
    for (let i = 0; i < n; i++, p += 2) mapSet.call(m, dec.value(rec[p]), dec.value(rec[p + 1]));
    applyProps(m, rec, p, dec);
  },
};

export const SET_KIND = {
  create: (rec: unknown[], dec: Decoder) => create(rec, dec, new Set(), Set.prototype),
  fill(s: Set<unknown>, rec: unknown[], pos: number, dec: Decoder) {
    const n = count(rec, pos, 1);
    let p = pos + 1;
    for (let i = 0; i < n; i++, p++) setAdd.call(s, dec.value(rec[p]));
    applyProps(s, rec, p, dec);
  },
};
