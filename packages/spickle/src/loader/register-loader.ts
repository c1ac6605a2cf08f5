// Installs the loader (./loader-core.ts). Used by `spickle/register`
// (`node --import spickle/register script.ts`) and by the `spickle` CLI. Where Node has
// `module.registerHooks` (≥ 22.15) the hooks run synchronously on this thread
// (./in-thread-hooks.ts); elsewhere `module.register` runs them on Node's hooks thread
// (./hooks.ts). SPICKLE_LOADER=off-thread keeps the hooks thread everywhere.

import { realpathSync } from "node:fs";
import * as nodeModule from "node:module";
import { dirname, resolve } from "node:path";
import { registerHooksFunction, registerInThread } from "./in-thread-hooks.js";
import type { LoaderData } from "./loader-core.js";

export interface RegisterLoaderOptions {
  /** Project root for files with no package.json above them (default: the entry script's folder). */
  fallbackRoot?: string;
  /** URL of a module exporting `compile`, used instead of `@spickle/transform` (tests, tools). */
  transformUrl?: string;
  /** false: compile every module afresh, neither reading nor writing the compile cache. */
  cache?: boolean;
}

/** How the loader's hooks run: on this thread, or on Node's hooks thread. */
export type LoaderMode = "in-thread" | "off-thread";

const REGISTERED = Symbol.for("spickle.loader.registered");

function realFolderOf(path: string): string {
  const absolute = resolve(path);
  try {
    return dirname(realpathSync(absolute));
  } catch {
    return dirname(absolute);
  }
}

/** How registerLoader installs the hooks on this Node (and with this environment). */
export function loaderMode(env: NodeJS.ProcessEnv = process.env): LoaderMode {
  if (env.SPICKLE_LOADER === "off-thread") return "off-thread";
  return registerHooksFunction() === undefined ? "off-thread" : "in-thread";
}

/** Registers the hooks once per thread; later calls do nothing. Enables source-mapped stacks. */
export function registerLoader(options: RegisterLoaderOptions = {}): void {
  const g = globalThis as { [REGISTERED]?: LoaderMode };
  if (g[REGISTERED] !== undefined) return;
  process.setSourceMapsEnabled(true);
  const entry = process.argv[1];
  const data: LoaderData = {
    fallbackRoot: options.fallbackRoot ?? (entry ? realFolderOf(entry) : process.cwd()),
    transformUrl: options.transformUrl,
    cache: options.cache,
  };
  const mode = loaderMode();
  g[REGISTERED] = mode;
  const registerHooks = registerHooksFunction();
  if (mode === "in-thread" && registerHooks !== undefined) registerInThread(registerHooks, data);
  else nodeModule.register(new URL("./hooks.js", import.meta.url), { data });
}

/** How the loader was installed in this thread, if it was. */
export function installedLoaderMode(): LoaderMode | undefined {
  return (globalThis as { [REGISTERED]?: LoaderMode })[REGISTERED];
}
