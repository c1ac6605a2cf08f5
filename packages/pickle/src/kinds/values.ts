// Values that msgpack cannot carry inline with their identity: BigInt of any size (msgpack stops
// at 64 bits), symbols (registered, well-known, unique) and -0 (msgpackr writes it as 0). Each
// gets a record of its own and is referenced like an object; the memo gives a unique symbol one
// index, so its identity holds within a graph.
import { WELL_KNOWN, WELL_KNOWN_NAME } from "../reference-paths.js";
import * as T from "../tags.js";
import { NODE_EVENTS_SYMBOL_NAMES, NODE_EVENTS_SYMBOLS } from "./events.js";

const NODE_SYMBOL_PREFIX = "node:events:";

export function bigintFields(v: bigint): unknown[] {
  return [v < 0n ? "-" + (-v).toString(16) : v.toString(16)];
}

const HEX = /^-?[0-9a-f]+$/;

export function decodeBigint(rec: unknown[]): bigint {
  const s = rec[0];
  if (typeof s !== "string" || !HEX.test(s)) throw new Error("bad bigint record");
  return s[0] === "-" ? -BigInt("0x" + s.slice(1)) : BigInt("0x" + s);
}

/** Tag and fields of a symbol's record. */
export function symbolRecord(s: symbol): [number, unknown[]] {
  const key = Symbol.keyFor(s);
  if (key !== undefined) return [T.T_SYMBOL_FOR, [key]];
  const wk = WELL_KNOWN_NAME.get(s) ?? NODE_EVENTS_SYMBOL_NAMES.get(s);
  if (wk !== undefined) return [T.T_SYMBOL_WK, [wk]];
  // Symbol() and Symbol("") differ: the first has no description at all.
  return [T.T_SYMBOL, s.description === undefined ? [] : [s.description]];
}

export function decodeSymbol(tag: number, rec: unknown[]): symbol {
  const arg = rec[0];
  if (tag === T.T_SYMBOL) {
    if (rec.length === 0) return Symbol();
    if (typeof arg === "string") return Symbol(arg);
  } else if (typeof arg === "string") {
    if (tag === T.T_SYMBOL_FOR) return Symbol.for(arg);
    const wk = WELL_KNOWN.get(arg) ?? NODE_EVENTS_SYMBOLS.get(arg);
    if (wk !== undefined) return wk;
    // A symbol of another Node version's events module, which this one does not have.
    if (arg.startsWith(NODE_SYMBOL_PREFIX)) return Symbol(arg.slice(NODE_SYMBOL_PREFIX.length));
  }
  throw new Error("bad symbol record");
}
