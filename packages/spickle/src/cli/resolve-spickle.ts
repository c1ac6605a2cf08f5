// `spickle` and `@spickle/*` resolve from spickle's own installation in the CLI's process, for
// `require` as well — whatever folder the script is in, with no node_modules near it. The loader
// hooks do this for `import`; modules restored from a snapshot read their package imports through
// a synchronous `require` from the original module's path (runtime/modules.ts), which the hooks
// do not see on Node 20. This is a fallback: a resolution that succeeds normally is left alone.
// (Node 20 has no public synchronous resolve hook; Module._resolveFilename is the stable seam.)

import Module, { createRequire } from "node:module";

const ownRequire = createRequire(import.meta.url);
const INSTALLED = Symbol.for("spickle.cli.resolveSpickle");

function isSpicklePackage(request: string): boolean {
  return request === "spickle" || request.startsWith("spickle/") || request.startsWith("@spickle/");
}

type ResolveFilename = (request: string, parent: unknown, isMain: boolean, options?: unknown) => string;

export function resolveSpickleFromAnywhere(): void {
  const M = Module as unknown as { _resolveFilename: ResolveFilename; [INSTALLED]?: boolean };
  if (M[INSTALLED]) return;
  M[INSTALLED] = true;
  const original = M._resolveFilename;
  M._resolveFilename = function (request, parent, isMain, options) {
    try {
      return original.call(this, request, parent, isMain, options);
    } catch (error) {
      if (typeof request === "string" && isSpicklePackage(request)) {
        try {
          return ownRequire.resolve(request);
        } catch {
          // not one of ours after all: the original error
        }
      }
      throw error;
    }
  };
}
