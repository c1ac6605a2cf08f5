// Error objects: created with the builtin constructor found on their prototype chain (so they
// keep the [[ErrorData]] slot and util.types.isNativeError), then given their exact own
// properties — message, stack, cause, AggregateError's errors, and any extra ones. A subclass
// keeps its prototype (written as a value: by reference or through a handler).
import type { Decoder } from "../decoder.js";
import * as T from "../tags.js";
import { description, type Description } from "./description.js";
import { applyProps, describeProps } from "./props.js";

const CONSTRUCTORS: Record<string, ErrorConstructor | AggregateErrorConstructor> = {
  Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError, AggregateError,
};
const BY_PROTO = new Map<object, string>(Object.entries(CONSTRUCTORS).map(([name, C]) => [C.prototype, name]));

export function describeError(e: Error, proto: object | null): Description {
  let name = "Error";
  for (let p = proto; p !== null; p = Object.getPrototypeOf(p) as object | null) {
    const n = BY_PROTO.get(p);
    if (n !== undefined) {
      name = n;
      break;
    }
  }
  const def = CONSTRUCTORS[name]!.prototype;
  const d = description(T.T_ERROR, name, [proto === def ? T.DEFAULT_PROTO : proto, name]);
  d.propsAt = 0;
  describeProps(e, d.fill);
  return d;
}

export const ERROR_KIND = {
  create(rec: unknown[], dec: Decoder): Error {
    const name = rec[1];
    const C = typeof name === "string" && Object.hasOwn(CONSTRUCTORS, name) ? CONSTRUCTORS[name]! : undefined;
    if (C === undefined) throw new Error("unknown error constructor");
    const e = (C === AggregateError ? new AggregateError([]) : new (C as ErrorConstructor)()) as Error;
    // The constructor added its own stack (and errors): the fill writes the original ones.
    for (const k of Reflect.ownKeys(e)) delete (e as unknown as Record<string | symbol, unknown>)[k];
    const proto = dec.proto(rec[0], C.prototype);
    if (proto !== C.prototype) Object.setPrototypeOf(e, proto);
    return e;
  },
  fill: (obj: object, rec: unknown[], pos: number, dec: Decoder) => applyProps(obj, rec, pos, dec),
};
