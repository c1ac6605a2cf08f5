// Values importable from a module the program loaded — a `node:` builtin (builtin-index.ts) or an
// npm package (package-index.ts) — are written by reference. The encoder asks here about an
// object of unknown identity, after the reference table and the handlers.
import * as util from "node:util";
import { builtinPathOf } from "./builtin-index.js";
import type { EncodeContext } from "./handlers.js";
import { hasPackageIndex, packagePathOf, unresolvablePackage } from "./package-index.js";

/** The by-reference path of an export of a loaded builtin or package, else undefined. Functions
 * and namespaces may build the indexes; other objects (a package class's prototype, an exported
 * object) are only looked up in what is built, so programs that hold no package values pay nothing. */
export function exportPathOf(v: object, ctx?: EncodeContext): string | undefined {
  const fn = typeof v === "function";
  const namespace = !fn && util.types.isModuleNamespaceObject(v);
  if (fn || namespace) {
    const builtin = builtinPathOf(v, namespace);
    if (builtin !== undefined) return builtin;
  }
  const path = fn || namespace ? packagePathOf(v) : hasPackageIndex() ? packagePathOf(v, false) : undefined;
  if (path !== undefined && ctx !== undefined) {
    // Checked as it is written: never a snapshot that is written fine and cannot be resumed.
    const problem = unresolvablePackage(path);
    if (problem !== undefined) ctx.fail(nameOf(v), problem);
  }
  return path;
}

function nameOf(v: object): string {
  const name = Object.getOwnPropertyDescriptor(v, "name")?.value as unknown;
  if (typeof v === "function") return `function ${typeof name === "string" && name !== "" ? name : "(anonymous)"}`;
  return Object.prototype.toString.call(v).slice(8, -1);
}
