// Strings that are not well-formed UTF-16 (a lone surrogate: "a\uD800b" is a legal JS string).
// msgpack's str type is UTF-8, which cannot hold a lone surrogate (it would come back as
// U+FFFD), so the writer gives such a string its code units as UTF-16LE in a msgpack extension
// of type STRING16, and this module teaches msgpackr to read it back as that very string —
// wherever a string may stand: values, property keys of records, map keys.
import { addExtension } from "./msgpackr.js";

/** msgpack extension type of a string written as UTF-16LE code units ("u"). */
export const STRING16 = 0x75;

const nativeIsWellFormed = (String.prototype as { isWellFormed?: (this: string) => boolean }).isWellFormed;
/** A surrogate that is not half of a pair. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether `s` has no lone surrogate (it can be written as UTF-8 and read back exactly). */
export const isWellFormed: (s: string) => boolean =
  nativeIsWellFormed !== undefined ? (s) => nativeIsWellFormed.call(s) : (s) => !LONE_SURROGATE.test(s);

function readString16(data: Uint8Array): string {
  if ((data.length & 1) !== 0) throw new Error("UTF-16 string of an odd number of bytes");
  return Buffer.from(data.buffer, data.byteOffset, data.length).toString("utf16le");
}

addExtension({ type: STRING16, unpack: readString16 } as Parameters<typeof addExtension>[0]);
