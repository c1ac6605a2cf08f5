// Module customization hooks for `module.register`: they run on Node's hooks thread (Node 20,
// and 22 before 22.15; registered by ./register-loader.ts). What they do is ./loader-core.ts.
//
// `spickle run` with a warm cache does not use these hooks: it imports linked copies of the cache
// entries (./linked.ts), resolved the same way (./resolution.ts).

import { readFileSync } from "node:fs";
import type { InitializeHook, LoadHook, ResolveFnOutput, ResolveHook } from "node:module";
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

export type { LoaderData } from "./loader-core.js";

let compilePromise: Promise<Compile> | undefined;

export const initialize: InitializeHook<LoaderData | undefined> = (data) => {
  configure(data);
};

function loadCompile(): Promise<Compile> {
  return (compilePromise ??= (async () => {
    const url = transformEntryUrl();
    debug(`loading compiler ${url}`);
    let transform: { compile?: Compile };
    try {
      transform = (await import(url)) as { compile?: Compile };
    } catch (error) {
      throw plainError(`spickle: cannot load the compiler ${url}: ${(error as Error)?.message ?? error}`);
    }
    return compileOf(transform, url);
  })());
}

/** Resolutions of spickle's packages (independent of the importer), by specifier and conditions. */
const spickleResolutions = new Map<string, Promise<ResolveFnOutput | undefined>>();

export const resolve: ResolveHook = async (specifier, context, nextResolve) => {
  const plan = resolvePlan(specifier, context.parentURL);
  if (plan.kind === "typescript") return { url: plan.url, format: "module", shortCircuit: true };
  if (plan.kind === "file") return { url: plan.url, shortCircuit: true };
  if (plan.kind === "next") return nextResolve(specifier, context);
  const key = `${specifier}\0${context.conditions.join(",")}`;
  let resolved = spickleResolutions.get(key);
  if (resolved === undefined) {
    resolved = (async () => {
      try {
        return await nextResolve(specifier, { ...context, parentURL: SPICKLE_BASE });
      } catch {
        return undefined;
      }
    })();
    spickleResolutions.set(key, resolved);
  }
  const result = await resolved;
  return result === undefined ? nextResolve(specifier, context) : { ...result, shortCircuit: true };
};

export const load: LoadHook = async (url, context, nextLoad) => {
  const plan = loadPlan(url);
  if (plan.kind === "next") return nextLoad(url, context);
  let source: string;
  if (plan.read) {
    source = readFileSync(plan.filename, "utf8");
  } else {
    const loaded = await nextLoad(url, context);
    if (loaded.format !== "module" || loaded.source == null) return loaded;
    source = sourceText(loaded.source);
  }
  const found = lookUpCache(plan.filename, source);
  if ("code" in found) return { format: "module", source: found.code, shortCircuit: true };
  const compile = await loadCompile();
  const { compileErrorDetails, isSourceError, makeCompileError } = await import("./compile-error.js");
  const code = compileAndStore(found.slot, plan.filename, source, compile, (error) =>
    isSourceError(error) ? makeCompileError(compileErrorDetails(error, plan.filename)) : undefined,
  );
  return { format: "module", source: code, shortCircuit: true };
};
