// Module records (after closures). Every compiled module registers itself at its top, before any
// of its own code runs (so circular imports between compiled modules work):
//
//   _rt.registerModule(INFO, { get counter() { return counter; }, … }, _rt.registerSites(…));
//
// INFO is plain data: id, sha256 of the source, the module's *restore form* and its source map,
// the kinds of its top-level bindings, its imports and exports, and for every function site the
// module-level bindings it references (transitively through the module's own functions and
// factories; an import is a reference to the exporter's binding).
//
// The restore form is a synchronous function source `(function (__spickle) { … })` that performs
// the definitions only: factories, function declarations, the site registration and the runtime's
// marks. Top-level statements, top-level `await` and initializers do not run; top-level variables
// live in `__spickle.bindings` (reading one the snapshot did not supply throws a ReferenceError)
// and imports are read through `__spickle.imports(specifier)` (live: every read goes through the
// exporter's record or `require`). `import.meta` is the original module's; `import()` resolves
// against the original path. Module-level classes are `let` bindings by then (closures pass), made by
// their factories; the snapshot supplies them like any other binding value.

import { createHash } from "node:crypto";
import { traverse, types as t, type NodePath, type PluginObj } from "@babel/core";
import generateModule from "@babel/generator";

type Generate = typeof import("@babel/generator").default;
const generate: Generate = (generateModule as unknown as { default?: Generate }).default ?? (generateModule as unknown as Generate);

export interface ModuleOptions {
  moduleId: string;
  filename: string;
  source: string;
  runtimeName: () => string;
  runtimeSpecifier: string;
  sourceMaps: boolean;
}

type BindingKind = "let" | "const" | "var";


const DEFAULT_LOCAL = "_default";

export function modulePlugin(options: ModuleOptions): PluginObj {
  return {
    name: "spickle-module",
    visitor: {
      Program: {
        exit(program) {
          program.scope.crawl();
          buildModule(program, options);
        },
      },
    },
  };
}

function buildModule(program: NodePath<t.Program>, options: ModuleOptions): void {
  const runtimeName = options.runtimeName();
  const body = program.node.body;

  // 1. `export default <expr>` → `const _default = <expr>; export { _default as default }`.
  let defaultLocal: string | null = null;
  for (let i = 0; i < body.length; i++) {
    const s = body[i]!;
    if (!t.isExportDefaultDeclaration(s)) continue;
    const d = s.declaration;
    if (t.isFunctionDeclaration(d) || t.isClassDeclaration(d)) continue; // named by closures (functions)
    defaultLocal = program.scope.generateUid(DEFAULT_LOCAL.slice(1));
    body.splice(
      i,
      1,
      t.variableDeclaration("const", [t.variableDeclarator(t.identifier(defaultLocal), d as t.Expression)]),
      t.exportNamedDeclaration(null, [t.exportSpecifier(t.identifier(defaultLocal), t.identifier("default"))]),
    );
    i++;
  }
  program.scope.crawl();

  // 2. What the module binds, imports and exports.
  const vars: Record<string, BindingKind> = {};
  const functions: string[] = [];
  const imports: Record<string, [string, string]> = {};
  const exports: Record<string, string | [string, string]> = {};
  const stars: string[] = [];
  const runtimeLocals = new Set<string>();
  // Declarations of `const`s the program assigns to (a TypeError natively): they stay `const`.
  const fixedConsts = new Set<t.Node>();
  for (const [name, binding] of Object.entries(program.scope.bindings)) {
    if (binding.kind === "module") {
      const decl = binding.path.parentPath!.node as t.ImportDeclaration;
      const spec = decl.source.value;
      if (spec === options.runtimeSpecifier) {
        runtimeLocals.add(name);
        continue;
      }
      const sp = binding.path.node;
      const imported = t.isImportDefaultSpecifier(sp)
        ? "default"
        : t.isImportNamespaceSpecifier(sp)
          ? "*"
          : t.isIdentifier((sp as t.ImportSpecifier).imported)
            ? ((sp as t.ImportSpecifier).imported as t.Identifier).name
            : ((sp as t.ImportSpecifier).imported as t.StringLiteral).value;
      imports[name] = [spec, imported];
    } else if (binding.kind === "hoisted") {
      functions.push(name);
    } else if (binding.kind === "let" || binding.kind === "const" || binding.kind === "var") {
      vars[name] = binding.kind;
      if (binding.kind === "const" && binding.constantViolations.length > 0) fixedConsts.add(binding.path.parent);
    } else if (binding.kind === "local") {
      // a class expression's own name: not a module binding
    } else {
      // "param"/"unknown": a class declaration shows as "let" in Babel; anything else is unexpected
      vars[name] = "let";
    }
  }
  for (const s of body) {
    if (t.isExportNamedDeclaration(s)) {
      const from = s.source?.value;
      if (s.declaration) {
        for (const name of Object.keys(t.getBindingIdentifiers(s.declaration, false, true))) exports[name] = name;
      }
      for (const sp of s.specifiers) {
        const exported = t.isIdentifier(sp.exported) ? sp.exported.name : sp.exported.value;
        if (t.isExportSpecifier(sp)) {
          const local = sp.local.name;
          if (from !== undefined) exports[exported] = [from, local];
          else if (imports[local] !== undefined) exports[exported] = imports[local]!;
          else exports[exported] = local;
        } else if (t.isExportNamespaceSpecifier(sp)) {
          exports[exported] = [from!, "*"];
        } else if (t.isExportDefaultSpecifier(sp)) {
          exports[exported] = [from!, "default"];
        }
      }
    } else if (t.isExportDefaultDeclaration(s)) {
      const d = s.declaration as t.FunctionDeclaration | t.ClassDeclaration;
      exports.default = d.id?.name ?? "*default*";
    } else if (t.isExportAllDeclaration(s)) {
      stars.push(s.source.value);
    }
  }

  // 3. The registration statement and the site ids → their module-level functions.
  let registerIndex = -1;
  const siteFunctions = new Map<string, string>();
  const factories = new Set<string>();
  body.forEach((s, i) => {
    if (!t.isExpressionStatement(s) || !isRuntimeCall(s.expression, runtimeName, "registerSites")) return;
    registerIndex = i;
    const [, f, d] = (s.expression as t.CallExpression).arguments as t.ObjectExpression[];
    for (const [obj, isFactory] of [[f, true], [d, false]] as const) {
      for (const p of obj!.properties as t.ObjectProperty[]) {
        const name = (p.value as t.Identifier).name;
        siteFunctions.set((p.key as t.StringLiteral).value, name);
        if (isFactory) factories.add(name);
      }
    }
  });

  // 4. References: module-level bindings each top-level function reads or writes, closed over the
  // module-level functions it mentions.
  const direct = new Map<string, Set<string>>();
  for (const [name, binding] of Object.entries(program.scope.bindings)) {
    if (runtimeLocals.has(name)) continue;
    for (const p of [...binding.referencePaths, ...binding.constantViolations]) {
      const top = p.find((q) => q.parentPath?.isProgram() === true);
      let fn: t.Node | null | undefined = top?.node;
      if (t.isExportNamedDeclaration(fn) || t.isExportDefaultDeclaration(fn)) fn = fn.declaration;
      if (!t.isFunctionDeclaration(fn) || fn.id == null) continue;
      // Babel counts an export declaration among its binding's references: not a use.
      if (p.isExportDeclaration()) continue;
      let set = direct.get(fn.id.name);
      if (set === undefined) direct.set(fn.id.name, (set = new Set()));
      set.add(name);
    }
  }
  // A function's own name counts only when something in that closure mentions it (recursion):
  // otherwise its binding is no state the function needs, and a remote call or checkpoint would
  // write it for nothing.
  const refs: Record<string, string[]> = {};
  for (const [siteId, fnName] of siteFunctions) {
    const seen = new Set<string>();
    const queue = [fnName];
    while (queue.length > 0) {
      for (const n of direct.get(queue.pop()!) ?? []) {
        if (seen.has(n)) continue;
        seen.add(n);
        if (functions.includes(n) && n !== fnName) queue.push(n);
      }
    }
    refs[siteId] = [...seen].filter((n) => !factories.has(n)).sort();
  }

  // 5. The restore form, from a copy of the program as it is now.
  const { code, map } = restoreForm(program.node, { ...options, runtimeName, runtimeLocals, vars, registerIndex });

  // @spickle/runtime's ModuleInfo (its one home; transform imports nothing of ours, docs/design.md
  // §1), as the compiler knows it: the runtime adds url and foreignExports when it registers.
  const info = {
    id: options.moduleId,
    hash: createHash("sha256").update(options.source).digest("hex"),
    code,
    map,
    vars,
    functions: functions.sort(),
    imports,
    exports,
    stars,
    refs,
  };

  // 6. The ESM form registers at its top. Its accessors can also write each binding (a resume
  // that loaded this module gives it the snapshot's state): top-level `const`s become `let`s
  // here — nothing in the program assigns them, so nothing can tell.
  for (const s of body) {
    const decl = t.isExportNamedDeclaration(s) ? s.declaration : s;
    if (t.isVariableDeclaration(decl) && decl.kind === "const" && !fixedConsts.has(decl)) decl.kind = "let";
  }
  const value = program.scope.generateUid("value");
  const accessors = [...Object.keys(vars), ...functions].sort().flatMap((name) => {
    const get = t.objectMethod("get", t.identifier(name), [], t.blockStatement([t.returnStatement(t.identifier(name))]));
    if (vars[name] === "const" && isFixed(program, name, fixedConsts)) return [get];
    const assign = t.expressionStatement(t.assignmentExpression("=", t.identifier(name), t.identifier(value)));
    return [get, t.objectMethod("set", t.identifier(name), [t.identifier(value)], t.blockStatement([assign]))];
  });
  const { namespaces, packages } = nativeNamespaces(program, options.runtimeSpecifier);
  const rt = (name: string) => t.memberExpression(t.identifier(runtimeName), t.identifier(name));
  let sites: t.Expression = t.nullLiteral();
  let at = 0;
  while (at < body.length && t.isImportDeclaration(body[at])) at++;
  if (registerIndex >= 0) {
    // `const _sites = _rt.registerSites(…);` stays first; the record registers right after it.
    const sitesId = program.scope.generateUidIdentifier("sites");
    const call = (body[registerIndex] as t.ExpressionStatement).expression;
    body[registerIndex] = t.variableDeclaration("const", [t.variableDeclarator(sitesId, call)]);
    sites = t.cloneNode(sitesId);
    at = registerIndex + 1;
  }
  const args: t.Expression[] = [infoLiteral(info), t.objectExpression(accessors), sites, t.metaProperty(t.identifier("import"), t.identifier("meta"))];
  if (namespaces !== null || packages !== null) args.push(namespaces ?? t.nullLiteral());
  if (packages !== null) args.push(packages);
  const register = t.expressionStatement(t.callExpression(rt("registerModule"), args));
  body.splice(at, 0, register);
  if (!body.some((s) => t.isImportDeclaration(s) && s.specifiers.some((sp) => t.isImportNamespaceSpecifier(sp) && sp.local.name === runtimeName))) {
    body.unshift(t.importDeclaration([t.importNamespaceSpecifier(t.identifier(runtimeName))], t.stringLiteral(options.runtimeSpecifier)));
  }
}

function isFixed(program: NodePath<t.Program>, name: string, fixedConsts: Set<t.Node>): boolean {
  const binding = program.scope.getBinding(name);
  return binding !== undefined && fixedConsts.has(binding.path.parent);
}

function isPathLike(specifier: string): boolean {
  return specifier.startsWith("./") || specifier.startsWith("../") || specifier.startsWith("/") || specifier.startsWith("file:");
}

function isJson(specifier: string, attributes: t.ImportAttribute[] | null | undefined): boolean {
  const type = attributes?.find((a) => (t.isIdentifier(a.key) ? a.key.name : a.key.value) === "type");
  return type?.value.value === "json" || /\.json$/i.test(specifier);
}

/** The namespaces a restored instance needs facts about, as `{ get "<specifier>"() { return ns; } }`
 * (null: none): packages and builtins imported as a namespace or re-exported with `export *`
 * (their export names, as Node made them), and JSON modules (their data). `packages`: the same
 * for every package the module imports, in any form (the pickler finds the package values a
 * program holds among their exports). A specifier with no namespace import gets one at the end
 * of the module: it is imported already, so the order in which modules evaluate stays the same. */
function nativeNamespaces(program: NodePath<t.Program>, runtimeSpecifier: string): { namespaces: t.ObjectExpression | null; packages: t.ObjectExpression | null } {
  const body = program.node.body;
  const locals = new Map<string, string>();
  const wanted = new Map<string, t.ImportAttribute[] | null | undefined>();
  const facts = new Set<string>();
  const packages = new Set<string>();
  for (const s of body) {
    if (!t.isImportDeclaration(s) && !t.isExportAllDeclaration(s) && !(t.isExportNamedDeclaration(s) && s.source)) continue;
    if ((s as { importKind?: string; exportKind?: string }).importKind === "type" || (s as { exportKind?: string }).exportKind === "type") continue;
    const spec = s.source!.value;
    if (spec === runtimeSpecifier) continue;
    const json = isJson(spec, s.attributes);
    const star = t.isExportAllDeclaration(s) || s.specifiers.some((sp) => t.isImportNamespaceSpecifier(sp) || t.isExportNamespaceSpecifier(sp));
    const isPackage = !json && !isPathLike(spec) && !spec.startsWith("node:");
    if (json || (!isPathLike(spec) && star)) facts.add(spec);
    if (isPackage) packages.add(spec);
    if (!facts.has(spec) && !isPackage) continue;
    if (!wanted.has(spec)) wanted.set(spec, s.attributes);
    if (t.isImportDeclaration(s)) {
      const ns = s.specifiers.find((sp) => t.isImportNamespaceSpecifier(sp));
      if (ns !== undefined && !locals.has(spec)) locals.set(spec, ns.local.name);
    }
  }
  if (wanted.size === 0) return { namespaces: null, packages: null };
  const factGetters: t.ObjectMethod[] = [];
  const packageGetters: t.ObjectMethod[] = [];
  for (const [spec, attributes] of wanted) {
    let local = locals.get(spec);
    if (local === undefined) {
      local = program.scope.generateUid("ns");
      const decl = t.importDeclaration([t.importNamespaceSpecifier(t.identifier(local))], t.stringLiteral(spec));
      if (attributes != null && attributes.length > 0) decl.attributes = attributes.map((a) => t.cloneNode(a));
      body.push(decl);
    }
    const getter = () => t.objectMethod("get", t.stringLiteral(spec), [], t.blockStatement([t.returnStatement(t.identifier(local))]));
    if (facts.has(spec)) factGetters.push(getter());
    if (packages.has(spec)) packageGetters.push(getter());
  }
  return {
    namespaces: factGetters.length === 0 ? null : t.objectExpression(factGetters),
    packages: packageGetters.length === 0 ? null : t.objectExpression(packageGetters),
  };
}

function infoLiteral(info: object): t.Expression {
  return t.valueToNode(info) as t.Expression;
}

function isRuntimeCall(node: t.Node | null | undefined, runtimeName: string, name?: string): boolean {
  return (
    t.isCallExpression(node) &&
    t.isMemberExpression(node.callee) &&
    t.isIdentifier(node.callee.object, { name: runtimeName }) &&
    t.isIdentifier(node.callee.property) &&
    (name === undefined || node.callee.property.name === name)
  );
}

/** Runtime calls kept at the top level of a restore form: they define, never compute. */
const KEPT_CALLS = new Set(["registerSites", "mark", "named"]);

interface RestoreContext extends Omit<ModuleOptions, "runtimeName"> {
  runtimeName: string;
  runtimeLocals: Set<string>;
  vars: Record<string, BindingKind>;
  registerIndex: number;
}

function restoreForm(original: t.Program, ctx: RestoreContext): { code: string; map: unknown } {
  const program = t.cloneNode(original, true, false);
  const file = t.file(program);
  const spickle = "__spickle";
  const bindingsName = "__spickle$b";
  const sitesName = "__spickle$sites";
  const importNames = new Map<string, string>();
  const importName = (spec: string) => {
    let n = importNames.get(spec);
    if (n === undefined) importNames.set(spec, (n = `__spickle$i${importNames.size}`));
    return n;
  };
  traverse.cache.clear();
  traverse(file, {
    Program(path) {
      const scope = path.scope;
      // references to imports and top-level variables
      for (const [name, binding] of Object.entries(scope.bindings)) {
        let replacement: (() => t.Expression) | undefined;
        if (binding.kind === "module") {
          const decl = binding.path.parentPath!.node as t.ImportDeclaration;
          const spec = decl.source.value;
          const ns = spec === ctx.runtimeSpecifier ? `${spickle}.runtime` : importName(spec);
          const sp = binding.path.node;
          const nsExpr = () => (spec === ctx.runtimeSpecifier ? t.memberExpression(t.identifier(spickle), t.identifier("runtime")) : t.identifier(ns));
          if (t.isImportNamespaceSpecifier(sp)) replacement = nsExpr;
          else {
            const imported = t.isImportDefaultSpecifier(sp)
              ? "default"
              : t.isIdentifier((sp as t.ImportSpecifier).imported)
                ? ((sp as t.ImportSpecifier).imported as t.Identifier).name
                : ((sp as t.ImportSpecifier).imported as t.StringLiteral).value;
            replacement = () => t.memberExpression(nsExpr(), t.stringLiteral(imported), true);
          }
        } else if (ctx.vars[name] !== undefined) {
          replacement = () => t.memberExpression(t.identifier(bindingsName), t.identifier(name));
        }
        if (replacement === undefined) continue;
        const ids: NodePath<t.Identifier>[] = [];
        for (const ref of binding.referencePaths) if (ref.isIdentifier()) ids.push(ref);
        for (const cv of binding.constantViolations) {
          if (cv.isVariableDeclarator()) continue;
          const targets = cv.isForXStatement() ? cv.get("left") : cv;
          const found = (targets as NodePath).getBindingIdentifierPaths(true) as Record<string, NodePath<t.Identifier>[] | NodePath<t.Identifier>>;
          const list = found[name];
          if (list === undefined) continue;
          for (const p of Array.isArray(list) ? list : [list]) ids.push(p);
        }
        for (const id of ids) {
          if (id.node.name !== name) continue;
          const parent = id.parentPath!;
          if (parent.isObjectProperty() && parent.node.shorthand && parent.node.value === id.node) {
            parent.node.shorthand = false;
          }
          if (parent.isExportSpecifier()) continue;
          const value = replacement();
          // a called import keeps `this` undefined: `(0, ns["f"])(…)`
          const called =
            (parent.isCallExpression() && parent.node.callee === id.node) ||
            (parent.isTaggedTemplateExpression() && parent.node.tag === id.node);
          id.replaceWith(called && t.isMemberExpression(value) ? t.sequenceExpression([t.numericLiteral(0), value]) : value);
        }
      }
      // import.meta and import()
      path.traverse({
        MetaProperty(p) {
          if (p.node.meta.name === "import") p.replaceWith(t.memberExpression(t.identifier(spickle), t.identifier("meta")));
        },
        CallExpression(p) {
          if (t.isImport(p.node.callee)) p.node.callee = t.memberExpression(t.identifier(spickle), t.identifier("dynamicImport"));
        },
        Import(p) {
          if (p.parentPath.isCallExpression() && p.parentPath.node.callee === p.node) {
            p.replaceWith(t.memberExpression(t.identifier(spickle), t.identifier("dynamicImport")));
          }
        },
      });
    },
  });
  traverse.cache.clear();

  // Keep definitions only.
  const kept: t.Statement[] = [];
  kept.push(t.variableDeclaration("const", [t.variableDeclarator(t.identifier(bindingsName), t.memberExpression(t.identifier(spickle), t.identifier("bindings")))]));
  for (const [spec, name] of importNames) {
    kept.push(
      t.variableDeclaration("const", [
        t.variableDeclarator(t.identifier(name), t.callExpression(t.memberExpression(t.identifier(spickle), t.identifier("imports")), [t.stringLiteral(spec)])),
      ]),
    );
  }
  let sites: t.Expression = t.nullLiteral();
  const functionNames: string[] = [];
  program.body.forEach((s, i) => {
    let node: t.Node = s;
    if (t.isExportNamedDeclaration(node) && node.declaration) node = node.declaration;
    if (t.isExportDefaultDeclaration(node)) node = node.declaration;
    if (t.isFunctionDeclaration(node)) {
      kept.push(node);
      functionNames.push(node.id!.name);
    } else if (t.isExpressionStatement(node)) {
      const e = node.expression;
      const call = t.isCallExpression(e) && t.isMemberExpression(e.callee) ? e : null;
      const callee = call ? (call.callee as t.MemberExpression) : null;
      const isRuntime = callee && t.isMemberExpression(callee.object) && t.isIdentifier(callee.object.object, { name: spickle }) && t.isIdentifier(callee.object.property, { name: "runtime" });
      const method = callee && t.isIdentifier(callee.property) ? callee.property.name : "";
      if (!isRuntime || !KEPT_CALLS.has(method)) return;
      if (method === "registerSites" || i === ctx.registerIndex) {
        kept.push(t.variableDeclaration("const", [t.variableDeclarator(t.identifier(sitesName), e)]));
        sites = t.identifier(sitesName);
      } else {
        kept.push(node);
      }
    }
  });
  const fnAccess = t.objectExpression(
    functionNames.sort().flatMap((name) => [
      t.objectMethod("get", t.identifier(name), [], t.blockStatement([t.returnStatement(t.identifier(name))])),
      t.objectMethod("set", t.identifier(name), [t.identifier("v")], t.blockStatement([t.expressionStatement(t.assignmentExpression("=", t.identifier(name), t.identifier("v")))])),
    ]),
  );
  kept.push(t.returnStatement(t.objectExpression([t.objectProperty(t.identifier("sites"), sites), t.objectProperty(t.identifier("functions"), fnAccess)])));
  const fn = t.functionExpression(null, [t.identifier(spickle)], t.blockStatement(kept, [t.directive(t.directiveLiteral("use strict"))]));
  const out = generate(t.file(t.program([t.expressionStatement(t.parenthesizedExpression(fn))])), {
    sourceMaps: ctx.sourceMaps,
    sourceFileName: ctx.filename,
    comments: false,
  }, ctx.source);
  return { code: out.code, map: ctx.sourceMaps ? (out.map ?? null) : null };
}
