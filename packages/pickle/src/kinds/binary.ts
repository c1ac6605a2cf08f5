// ArrayBuffer (fixed or resizable), SharedArrayBuffer (copied: sharing with other threads cannot
// survive a snapshot), typed arrays and DataView. A view references its buffer as a value, so
// views sharing a buffer still share one after decoding, at the same offsets. Views keep a fixed
// length (a length-tracking view on a resizable buffer is not distinguishable from JS).
// Extra own properties on buffers and views are not written: listing them would enumerate
// every index of a view.
import * as util from "node:util";
import type { Decoder } from "../decoder.js";
import * as T from "../tags.js";
import { description, Raw, type Description } from "./description.js";

const TYPED: Record<string, new (buffer: ArrayBufferLike, byteOffset: number, length: number) => ArrayBufferView> = {
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
  Float32Array, Float64Array, BigInt64Array, BigUint64Array,
};
const TypedArrayProto = Object.getPrototypeOf(Uint8Array.prototype) as object;
// The intrinsic getters read internal slots: right even for subclasses or a changed prototype.
const typedTag = Object.getOwnPropertyDescriptor(TypedArrayProto, Symbol.toStringTag)!.get!;
const typedBuffer = Object.getOwnPropertyDescriptor(TypedArrayProto, "buffer")!.get!;
const typedOffset = Object.getOwnPropertyDescriptor(TypedArrayProto, "byteOffset")!.get!;
const typedLength = Object.getOwnPropertyDescriptor(TypedArrayProto, "length")!.get!;
const viewBuffer = Object.getOwnPropertyDescriptor(DataView.prototype, "buffer")!.get!;
const viewOffset = Object.getOwnPropertyDescriptor(DataView.prototype, "byteOffset")!.get!;
const viewLength = Object.getOwnPropertyDescriptor(DataView.prototype, "byteLength")!.get!;
const abLength = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, "byteLength")!.get!;
const abResizable = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, "resizable")?.get;
const abMax = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, "maxByteLength")?.get;
const sabLength = Object.getOwnPropertyDescriptor(SharedArrayBuffer.prototype, "byteLength")!.get!;
const sabGrowable = Object.getOwnPropertyDescriptor(SharedArrayBuffer.prototype, "growable")?.get;
const sabMax = Object.getOwnPropertyDescriptor(SharedArrayBuffer.prototype, "maxByteLength")?.get;

function protoSlot(proto: object | null, def: object): unknown {
  return proto === def ? T.DEFAULT_PROTO : proto;
}

export function describeArrayBuffer(b: ArrayBuffer, proto: object | null): Description {
  const len = abLength.call(b) as number;
  const create: unknown[] = [protoSlot(proto, ArrayBuffer.prototype), new Raw(new Uint8Array(b, 0, len))];
  if (abResizable?.call(b) === true) create.push(abMax!.call(b));
  return description(T.T_ARRAYBUFFER, "ArrayBuffer", create);
}

export function describeSharedBuffer(b: SharedArrayBuffer, proto: object | null): Description {
  const len = sabLength.call(b) as number;
  const create: unknown[] = [protoSlot(proto, SharedArrayBuffer.prototype), new Raw(new Uint8Array(b, 0, len))];
  if (sabGrowable?.call(b) === true) create.push(sabMax!.call(b));
  return description(T.T_SHARED_BUFFER, "SharedArrayBuffer", create);
}

export function describeTypedArray(a: ArrayBufferView, proto: object | null): Description {
  const type = typedTag.call(a) as string;
  const def = TYPED[type]!.prototype;
  return description(T.T_TYPED_ARRAY, type, [protoSlot(proto, def), type, typedBuffer.call(a), typedOffset.call(a), typedLength.call(a)]);
}

export function describeDataView(v: DataView, proto: object | null): Description {
  return description(T.T_DATAVIEW, "DataView", [protoSlot(proto, DataView.prototype), viewBuffer.call(v), viewOffset.call(v), viewLength.call(v)]);
}

function bytesOf(w: unknown): Uint8Array {
  if (!(w instanceof Uint8Array)) throw new Error("buffer bytes are not binary");
  return w;
}

function withProto<O extends object>(obj: O, rec: unknown[], dec: Decoder, def: object): O {
  const proto = dec.proto(rec[0], def);
  if (proto !== def) Object.setPrototypeOf(obj, proto);
  return obj;
}

function maxLength(w: unknown, len: number): number {
  if (typeof w !== "number" || w >>> 0 !== w || w < len) throw new Error("bad maxByteLength");
  return w;
}

export const ARRAYBUFFER_KIND = {
  create(rec: unknown[], dec: Decoder): ArrayBuffer {
    const bytes = bytesOf(rec[1]);
    const b = rec.length > 2
      ? new (ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => ArrayBuffer)(bytes.length, { maxByteLength: maxLength(rec[2], bytes.length) })
      : new ArrayBuffer(bytes.length);
    new Uint8Array(b).set(bytes);
    return withProto(b, rec, dec, ArrayBuffer.prototype);
  },
};

export const SHARED_BUFFER_KIND = {
  create(rec: unknown[], dec: Decoder): SharedArrayBuffer {
    const bytes = bytesOf(rec[1]);
    const b = rec.length > 2
      ? new (SharedArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => SharedArrayBuffer)(bytes.length, { maxByteLength: maxLength(rec[2], bytes.length) })
      : new SharedArrayBuffer(bytes.length);
    new Uint8Array(b).set(bytes);
    return withProto(b, rec, dec, SharedArrayBuffer.prototype);
  },
};

function bufferOf(w: unknown, dec: Decoder): ArrayBufferLike {
  const b = dec.value(w);
  // By internal slot: an object forged with ArrayBuffer.prototype would be read as an iterable.
  if (!util.types.isAnyArrayBuffer(b)) throw new Error("view over a non-buffer");
  return b as ArrayBufferLike;
}

function uint(w: unknown): number {
  if (typeof w !== "number" || !Number.isSafeInteger(w) || w < 0) throw new Error("bad view offset or length");
  return w;
}

export const TYPED_ARRAY_KIND = {
  create(rec: unknown[], dec: Decoder): ArrayBufferView {
    const type = rec[1];
    const C = typeof type === "string" && Object.hasOwn(TYPED, type) ? TYPED[type]! : undefined;
    if (C === undefined) throw new Error("unknown typed array type");
    return withProto(new C(bufferOf(rec[2], dec), uint(rec[3]), uint(rec[4])), rec, dec, C.prototype);
  },
};

export const DATAVIEW_KIND = {
  create: (rec: unknown[], dec: Decoder): DataView =>
    withProto(new DataView(bufferOf(rec[1], dec), uint(rec[2]), uint(rec[3])), rec, dec, DataView.prototype),
};
