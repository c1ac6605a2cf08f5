// A fresh V8 realm (vm context) to run one ES module in, natively or compiled by spickle, for the
// peer-suite runners. Compiled code imports "spickle:runtime": the runtime bundle, evaluated in
// the same realm so generator objects, prototypes and errors are the realm's own as native ones
// are. Node's built-in modules (which the runtime imports) come from the runner's realm.
import { readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { pathToFileURL } from "node:url";
import vm from "node:vm";

/** A module still running after this long is stuck (a loop that never ends): it fails. */
const EVALUATION_TIMEOUT_MS = 20_000;

export class Realms {
  /** @param {{ mode: "native" | "compiled", compilerBundle?: string, runtimeBundle?: string }} job */
  static async create(job) {
    const compiled = job.mode === "compiled";
    const compiler = compiled ? await import(pathToFileURL(job.compilerBundle).href) : null;
    return new Realms(compiled, compiler, compiled ? job.runtimeBundle : null);
  }

  constructor(compiled, compiler, runtimeBundle) {
    this.compiled = compiled;
    this.compiler = compiler;
    this.runtimeSource = runtimeBundle === null ? null : readFileSync(runtimeBundle, "utf8");
    this.runtimeUrl = runtimeBundle === null ? null : pathToFileURL(runtimeBundle).href;
    this.runtimeCache = undefined;
  }

  /** A new realm; compiled runs also get `process` and `Buffer` (the runtime and pickle use them). */
  context(globals = {}) {
    const context = vm.createContext({});
    for (const [name, value] of Object.entries(globals)) Object.defineProperty(context, name, { value, writable: true, configurable: true });
    if (this.compiled) Object.assign(context, { process, Buffer });
    return context;
  }

  /** The module for `source` in `context`: compiled first in compiled runs. Throws the parse or
   * compile error (a SyntaxError for invalid code). */
  module(context, source, path, moduleId) {
    const url = pathToFileURL(path).href;
    const code = this.compiled
      ? this.compiler.compile(source, { filename: path, moduleId, sourceMaps: false, runtimeSpecifier: "spickle:runtime" }).code
      : source;
    return new vm.SourceTextModule(code, { context, identifier: url, initializeImportMeta: (m) => { m.url = url; } });
  }

  async evaluate(context, module) {
    await module.link(this.linker(context));
    await module.evaluate({ timeout: EVALUATION_TIMEOUT_MS });
  }

  linker(context) {
    const builtins = new Map();
    let runtime = null;
    return async (specifier) => {
      if (builtinModules.includes(specifier.replace(/^node:/, ""))) {
        if (!builtins.has(specifier)) builtins.set(specifier, builtinModule(context, specifier));
        return builtins.get(specifier);
      }
      if (specifier === "spickle:runtime" && this.compiled) {
        if (runtime === null) {
          const url = this.runtimeUrl;
          runtime = new vm.SourceTextModule(this.runtimeSource, {
            context, identifier: url, cachedData: this.runtimeCache, initializeImportMeta: (m) => { m.url = url; },
          });
          this.runtimeCache ??= runtime.createCachedData();
        }
        return runtime;
      }
      throw new Error(`peer-suite runner: cannot import ${specifier}`);
    };
  }
}

function builtinModule(context, specifier) {
  const namespace = process.getBuiltinModule(specifier);
  const exports = Object.keys(namespace);
  return new vm.SyntheticModule([...exports, "default"], function () {
    for (const name of exports) this.setExport(name, namespace[name]);
    this.setExport("default", namespace);
  }, { context, identifier: specifier });
}

export function errorText(error) {
  if (error !== null && typeof error === "object" && "name" in error) return `${error.name}: ${error.message}`;
  return `thrown: ${String(error)}`;
}
