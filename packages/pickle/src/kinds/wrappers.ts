// Objects around one internal value: Date (also invalid: NaN), RegExp (source, flags, and
// lastIndex, an own property), boxed primitives (Number, String, Boolean, BigInt, Symbol).
// Values are read through the intrinsic methods, which read internal slots and cannot be fooled
// by an overriding subclass.
import * as util from "node:util";
import type { Decoder } from "../decoder.js";
import * as T from "../tags.js";
import { description, type Description } from "./description.js";
import { applyProps, describeProps } from "./props.js";

const dateValue = Date.prototype.getTime;
const regexpSource = Object.getOwnPropertyDescriptor(RegExp.prototype, "source")!.get!;
const regexpFlags = Object.getOwnPropertyDescriptor(RegExp.prototype, "flags")!.get!;

function protoSlot(proto: object | null, def: object): unknown {
  return proto === def ? T.DEFAULT_PROTO : proto;
}

function withProps(d: Description, obj: object, skip?: (key: string | symbol, pd: PropertyDescriptor) => boolean): Description {
  d.propsAt = 0;
  if (!describeProps(obj, d.fill, skip)) d.propsAt = -1;
  return d;
}

export function describeDate(d: Date, proto: object | null): Description {
  return withProps(description(T.T_DATE, "Date", [protoSlot(proto, Date.prototype), dateValue.call(d)]), d);
}

// lastIndex is an own property of every RegExp; the common value 0 with default attributes is
// what the constructor makes, so it is left out.
const defaultLastIndex = (key: string | symbol, d: PropertyDescriptor) =>
  key === "lastIndex" && d.value === 0 && d.writable === true;

export function describeRegExp(r: RegExp, proto: object | null): Description {
  const create = [protoSlot(proto, RegExp.prototype), regexpSource.call(r), regexpFlags.call(r)];
  return withProps(description(T.T_REGEXP, "RegExp", create), r, defaultLastIndex);
}

export function describeBoxed(b: object, proto: object | null): Description {
  const t = util.types;
  let value: unknown;
  let def: object;
  if (t.isNumberObject(b)) [value, def] = [Number.prototype.valueOf.call(b), Number.prototype];
  else if (t.isStringObject(b)) [value, def] = [String.prototype.valueOf.call(b), String.prototype];
  else if (t.isBooleanObject(b)) [value, def] = [Boolean.prototype.valueOf.call(b), Boolean.prototype];
  else if (t.isBigIntObject(b)) [value, def] = [BigInt.prototype.valueOf.call(b), BigInt.prototype];
  else [value, def] = [Symbol.prototype.valueOf.call(b), Symbol.prototype];
  // A String object's indices and length are part of its value, not extra properties.
  const len = typeof value === "string" ? value.length : 0;
  const skip = len === 0 ? undefined : (key: string | symbol) => key === "length" || (typeof key === "string" && isIndexBelow(key, len));
  return withProps(description(T.T_BOXED, "boxed " + typeof value, [protoSlot(proto, def), value]), b, skip);
}

function isIndexBelow(key: string, len: number): boolean {
  const n = Number(key);
  return Number.isInteger(n) && n >= 0 && n < len && String(n) === key;
}

function withProto<O extends object>(obj: O, w: unknown, dec: Decoder, def: object): O {
  const proto = dec.proto(w, def);
  if (proto !== def) Object.setPrototypeOf(obj, proto);
  return obj;
}

const fillProps = (obj: object, rec: unknown[], pos: number, dec: Decoder) => applyProps(obj, rec, pos, dec);

export const DATE_KIND = {
  create(rec: unknown[], dec: Decoder): Date {
    const time = rec[1];
    if (typeof time !== "number") throw new Error("bad date");
    return withProto(new Date(time), rec[0], dec, Date.prototype);
  },
  fill: fillProps,
};

export const REGEXP_KIND = {
  create(rec: unknown[], dec: Decoder): RegExp {
    const [proto, source, flags] = rec;
    if (typeof source !== "string" || typeof flags !== "string") throw new Error("bad regexp");
    return withProto(new RegExp(source, flags), proto, dec, RegExp.prototype);
  },
  fill: fillProps,
};

export const BOXED_KIND = {
  create(rec: unknown[], dec: Decoder): object {
    const v = dec.value(rec[1]);
    const t = typeof v;
    if (t !== "number" && t !== "string" && t !== "boolean" && t !== "bigint" && t !== "symbol") throw new Error("bad boxed value");
    const box = Object(v) as object;
    return withProto(box, rec[0], dec, Object.getPrototypeOf(box) as object);
  },
  fill: fillProps,
};
