// `import.meta` of a module started from the linked cache (./linked.ts): what the module would
// see loaded from its own file through the hooks — its original url, filename and dirname, and a
// `resolve` that resolves as the hooks do.

import { isBuiltin } from "node:module";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { isPathLike, isSpicklePackage, typeScriptAlternative } from "./resolution.js";

export interface LinkedImportMeta {
  url: string;
  filename: string;
  dirname: string;
  resolve(specifier: string): string;
}

const metas = new Map<string, LinkedImportMeta>();

function resolveFrom(url: string, specifier: string): string {
  if (isPathLike(specifier)) return typeScriptAlternative(specifier, url) ?? new URL(specifier, url).href;
  if (isSpicklePackage(specifier)) return import.meta.resolve(specifier);
  if (specifier.startsWith("node:")) return specifier;
  if (isBuiltin(specifier)) return `node:${specifier}`;
  // Linking refuses modules that import packages or call import.meta.resolve (./linked.ts), so
  // only a module handing its import.meta to other code gets here.
  throw new Error(`spickle: cannot resolve ${JSON.stringify(specifier)} from ${url} (started from the compile cache)`);
}

/** The `import.meta` of the module whose original URL is `url` (one object per module). */
export function linkedMeta(url: string): LinkedImportMeta {
  let meta = metas.get(url);
  if (meta === undefined) {
    const filename = fileURLToPath(url);
    meta = Object.assign(Object.create(null) as object, {
      url,
      filename,
      dirname: dirname(filename),
      resolve: (specifier: string) => resolveFrom(url, String(specifier)),
    });
    metas.set(url, meta);
  }
  return meta;
}
