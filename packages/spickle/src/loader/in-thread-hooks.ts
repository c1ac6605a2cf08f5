// The loader as synchronous in-thread hooks, for `module.registerHooks` (Node ≥ 22.15 and
// ≥ 23.5): no hooks thread to start and no message round trip per module. What they do is
// ./loader-core.ts; the compiler is loaded with require() (Node loads the ES module synchronously:
// these Node versions have require(esm)).

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as nodeModule from "node:module";
import { fileURLToPath } from "node:url";
import { compileErrorDetails, isSourceError, makeCompileError } from "./compile-error.js";
import { debug } from "./debug.js";
import {
  compileAndStore,
  compileOf,
  configure,
  loadPlan,
  lookUpCache,
  plainError,
  resolvePlan,
  sourceText,
  SPICKLE_BASE,
  transformEntryUrl,
  type Compile,
  type LoaderData,
} from "./loader-core.js";

// The part of Node's synchronous hooks API used here (@types/node for Node 20 lacks it).
interface ResolveContext {
  conditions: string[];
  parentURL?: string | undefined;
  importAttributes?: Record<string, string>;
}
interface ResolveResult {
  url: string;
  format?: string | null | undefined;
  shortCircuit?: boolean;
}
interface LoadResult {
  format?: string | null | undefined;
  source?: string | ArrayBuffer | ArrayBufferView | null | undefined;
  shortCircuit?: boolean;
}
interface SyncHooks {
  resolve(specifier: string, context: ResolveContext, next: (specifier: string, context?: Partial<ResolveContext>) => ResolveResult): ResolveResult;
  load(url: string, context: { format?: string | null | undefined; conditions: string[] }, next: (url: string, context?: object) => LoadResult): LoadResult;
}
type RegisterHooks = (hooks: SyncHooks) => unknown;

/** Node's `module.registerHooks`, when this Node has it. */
export function registerHooksFunction(): RegisterHooks | undefined {
  const candidate = (nodeModule as { registerHooks?: unknown }).registerHooks;
  return typeof candidate === "function" ? (candidate as RegisterHooks) : undefined;
}

const require = createRequire(import.meta.url);
let compile: Compile | undefined;

function loadCompile(): Compile {
  if (compile !== undefined) return compile;
  const url = transformEntryUrl();
  debug(`loading compiler ${url}`);
  let transform: { compile?: Compile };
  try {
    transform = require(url.startsWith("file:") ? fileURLToPath(url) : url) as { compile?: Compile };
  } catch (error) {
    throw plainError(`spickle: cannot load the compiler ${url}: ${(error as Error)?.message ?? error}`);
  }
  return (compile = compileOf(transform, url));
}

/** Installs the loader with `registerHooks` (the caller checked it exists). */
export function registerInThread(registerHooks: RegisterHooks, data: LoaderData): void {
  configure(data);
  const spickleResolutions = new Map<string, ResolveResult | null>();
  registerHooks({
    resolve(specifier, context, nextResolve) {
      const plan = resolvePlan(specifier, context.parentURL);
      if (plan.kind === "typescript") return { url: plan.url, format: "module", shortCircuit: true };
      if (plan.kind === "file") return { url: plan.url, shortCircuit: true };
      if (plan.kind === "next") return nextResolve(specifier, context);
      const key = `${specifier}\0${context.conditions.join(",")}`;
      let resolved = spickleResolutions.get(key);
      if (resolved === undefined) {
        try {
          resolved = nextResolve(specifier, { ...context, parentURL: SPICKLE_BASE });
        } catch {
          resolved = null;
        }
        spickleResolutions.set(key, resolved);
      }
      return resolved === null ? nextResolve(specifier, context) : { ...resolved, shortCircuit: true };
    },
    load(url, context, nextLoad) {
      const plan = loadPlan(url);
      if (plan.kind === "next") return nextLoad(url, context);
      let source: string;
      if (plan.read) {
        source = readFileSync(plan.filename, "utf8");
      } else {
        const loaded = nextLoad(url, context);
        if (loaded.format !== "module" || loaded.source == null) return loaded;
        source = sourceText(loaded.source);
      }
      const found = lookUpCache(plan.filename, source);
      if ("code" in found) return { format: "module", source: found.code, shortCircuit: true };
      const compileModule = loadCompile();
      const code = compileAndStore(found.slot, plan.filename, source, compileModule, (error) =>
        isSourceError(error) ? makeCompileError(compileErrorDetails(error, plan.filename)) : undefined,
      );
      return { format: "module", source: code, shortCircuit: true };
    },
  });
}
