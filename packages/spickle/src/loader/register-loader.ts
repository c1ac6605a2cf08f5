// Registers the loader hooks (./hooks.ts) on Node's hooks thread. Used by `spickle/register`
// (`node --import spickle/register script.ts`) and by the `spickle` CLI.

import { realpathSync } from "node:fs";
import { register } from "node:module";
import { dirname, resolve } from "node:path";
import type { LoaderData } from "./hooks.js";

export interface RegisterLoaderOptions {
  /** Project root for files with no package.json above them (default: the entry script's folder). */
  fallbackRoot?: string;
  /** URL of a module exporting `compile`, used instead of `@spickle/transform` (tests, tools). */
  transformUrl?: string;
  /** false: compile every module afresh, neither reading nor writing the compile cache. */
  cache?: boolean;
}

const REGISTERED = Symbol.for("spickle.loader.registered");

function realFolderOf(path: string): string {
  const absolute = resolve(path);
  try {
    return dirname(realpathSync(absolute));
  } catch {
    return dirname(absolute);
  }
}

/** Registers the hooks once per thread; later calls do nothing. Enables source-mapped stacks. */
export function registerLoader(options: RegisterLoaderOptions = {}): void {
  const g = globalThis as { [REGISTERED]?: boolean };
  if (g[REGISTERED]) return;
  g[REGISTERED] = true;
  process.setSourceMapsEnabled(true);
  const entry = process.argv[1];
  const data: LoaderData = {
    fallbackRoot: options.fallbackRoot ?? (entry ? realFolderOf(entry) : process.cwd()),
    transformUrl: options.transformUrl,
    cache: options.cache,
  };
  register(new URL("./hooks.js", import.meta.url), { data });
}
