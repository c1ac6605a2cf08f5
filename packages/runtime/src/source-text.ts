// `Function.prototype.toString` of compiled functions and classes: the source text as written.
// The compiler replaced them (generator functions by a frame-starting function, nested functions
// by closures made in factories), so their native text would be compiled code. Each module
// registers the text of its functions with its sites (closures.ts, SourceTable); the text of a
// function is found from what it already carries — its site (own SITE tag) or its class record —
// so making a function costs nothing more. `toString` is replaced once, on Function.prototype:
// for anything else it is the native one, called as before.

import { types } from "node:util";
import { classOf, methodOf } from "./classes.js";
import { SITE, siteOf, type SiteRegistry } from "./closures.js";
import { generatorPrototypeMethods } from "./generator.js";

const nativeToString = Function.prototype.toString;

/** Functions of the runtime that stand in for native ones, with the native text. */
const nativeTexts = new WeakMap<Function, string>();

/** The source text of a function or class made by compiled code, as written; undefined for any
 * other function (and for a proxy: no trap runs). */
export function sourceTextOf(fn: Function): string | undefined {
  const fixed = nativeTexts.get(fn);
  if (fixed !== undefined) return fixed;
  if (types.isProxy(fn)) return undefined;
  let site: { id: string; registry: SiteRegistry } | undefined;
  let id: string | undefined;
  if (Object.hasOwn(fn, SITE)) {
    site = siteOf((fn as unknown as Record<symbol, Function>)[SITE]!);
    id = site?.id;
  } else {
    site = classOf(fn);
    id = site?.id;
    if (site === undefined) {
      // A class method or accessor: named by its class, placement, kind and key.
      const method = methodOf(fn);
      site = method === undefined || typeof method.key === "symbol" ? undefined : classOf(method.home);
      if (site !== undefined) id = `${site.id}:${method!.placement}:${method!.kind}:${String(method!.key)}`;
    }
  }
  const sources = site?.registry.sources;
  const range = id === undefined ? undefined : sources?.ranges[id];
  return range === undefined ? undefined : sources!.text.slice(range[0], range[1]);
}

const methods = {
  toString(this: unknown): string {
    if (typeof this === "function") {
      const text = sourceTextOf(this);
      if (text !== undefined) return text;
    }
    return nativeToString.call(this);
  },
};
Object.defineProperty(Function.prototype, "toString", { value: methods.toString, writable: true, enumerable: false, configurable: true });
nativeTexts.set(methods.toString, nativeToString.call(nativeToString));
for (const method of generatorPrototypeMethods) nativeTexts.set(method, `function ${method.name}() { [native code] }`);
