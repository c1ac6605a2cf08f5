// Record tags of the graph body. The body is one msgpack array (in msgpackr's format, records
// included; see writer.ts):
//   [FORMAT, item, item, ..., rootWire]
// Items are decoded in order; every record that creates a value appends it to the value table.
// The root's wire value comes last: it is known only once everything it points at is written.
// An item is
//   - a msgpack map (a msgpackr record): an ordinary object, created and filled in one step;
//   - a msgpack array: a dense array, created and filled in one step;
//   - a tag (a small non-negative integer, below) followed by one array item with its fields.
//
// Wire values (property values, elements, create/fill values) are msgpack primitives, except
// that a negative int32 `~i` is a *reference* to entry i of the value table. Negative int32
// numbers in the data are therefore written as T_NUMBER records (and -0, which msgpack loses,
// as T_NEGZERO), and referenced like objects. References cost no allocation on either side.
// The encoder emits records in post-order, so a reference always points *backwards*: the decoder
// never meets a forward reference, and validating one is a bounds check.

export const FORMAT = 2;

// Ordinary objects and dense arrays (the fast path).
// Below, `3 [i, x]` means the tag 3 followed by the item [i, x].
export const T_NEW_OBJECT = 1; //   1 []                   {} created early (a cycle leads back)
export const T_FILL_OBJECT = 2; //  2 [i, {k: v}]          copy data properties into entry i
export const T_NUMBER = 3; //       3 [n]                  a negative int32 number
export const T_NEW_ARRAY = 4; //    4 []                   [] created early
export const T_FILL_ARRAY = 5; //   5 [i, [v...]]
export const T_OBJECT_KV = 6; //    6 [[k...], [v...]]     ordinary object with many keys
export const T_FILL_KV = 7; //      7 [i, [k...], [v...]]
export const T_FILL = 8; //         8 [i, ...values]       fill values of a generic kind

// Values that are not msgpack primitives.
export const T_REF = 9; //          9 ["globalThis#Math.max"]  by-reference table entry
export const T_NEGZERO = 10; //     10 []
export const T_BIGINT = 11; //      11 ["-1f"]            hex digits with optional sign
export const T_SYMBOL_FOR = 12; //  12 [key]              Symbol.for(key)
export const T_SYMBOL_WK = 13; //   13 ["iterator"]       Symbol.iterator
export const T_SYMBOL = 14; //      14 [description?]     a unique symbol

// Generic kinds: tag [...create values], then optionally T_FILL [i, ...fill values].
// The item after the tag holds the fields listed after it below.
export const T_HANDLER = 15; //     15 [kind, ...create]
export const T_REDUCE = 16; //      16 [restorer name, state, restore function?]
export const T_OBJECT = 17; //      17 [proto]            then T_FILL (descriptors) or T_FILL_OBJECT
export const T_ARRAY_SLOW = 18; //  18 [proto]            then descriptors (holes, extra props, frozen)
export const T_MAP = 19; //         19 [proto]
export const T_SET = 20; //         20 [proto]
export const T_DATE = 21; //        21 [proto, time]
export const T_REGEXP = 22; //      22 [proto, source, flags]
export const T_ARRAYBUFFER = 23; // 23 [proto, bytes, maxByteLength?]
export const T_SHARED_BUFFER = 24; //24 [proto, bytes, maxByteLength?]
export const T_TYPED_ARRAY = 25; // 25 [proto, type, buffer, byteOffset, length]
export const T_DATAVIEW = 26; //    26 [proto, buffer, byteOffset, byteLength]
export const T_BOXED = 27; //       27 [proto, primitive]
export const T_ERROR = 28; //       28 [proto, constructorName]

// Dense arrays of numbers (at least 16, no holes or extra properties) as one binary field.
export const T_NUMBERS = 29; //     29 [type, bytes]      an array of numbers, one of these types:
export const NUMBERS_FLOAT64 = 0; //                      little-endian float64s
export const NUMBERS_INT32 = 1; //                        little-endian int32s
export const NUMBERS_UINT8 = 2; //                        bytes (integers 0…255)

export const TAG_COUNT = 30;

/** In a `proto` slot: the kind's default prototype (saves a reference per object). */
export const DEFAULT_PROTO = 0;
