// Legacy decorators (`experimentalDecorators`), emitted as tsc emits them, so they run in tsc's
// order with tsc's arguments: after the class is defined, each decorated member — instance
// members, then static ones, in source order — gets `__decorate([decorators…, __param(i, d)…],
// target, "key", desc)` (desc `null` for methods and accessors: the helper reads the property's
// descriptor and defines what the decorators return; `void 0` for fields), then the class's own
// decorators and its constructor's parameter decorators replace the class binding
// (`C = C_1 = __decorate([…], C)`; inside the body the class is `C_1`, set by a static block, so
// static initializers see the undecorated class and methods the decorated one, as with tsc).

import { parseSync, type NodePath, type PluginObj } from "@babel/core";
import * as t from "@babel/types";

const DECORATE = `function __decorate(decorators, target, key, desc) {
  var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
  if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
  else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
  return c > 3 && r && Object.defineProperty(target, key, r), r;
}`;
const PARAM = `function __param(paramIndex, decorator) {
  return function (target, key) { decorator(target, key, paramIndex); };
}`;

type Member = t.ClassBody["body"][number];

function takeDecorators(node: { decorators?: t.Decorator[] | null }): t.Expression[] {
  const list = (node.decorators ?? []).map((d) => d.expression);
  node.decorators = null;
  return list;
}

/** `__param(i, d)` for each decorator of each parameter (decorators removed from the params). */
function parameterDecorators(params: t.ClassMethod["params"], param: () => t.Identifier): t.Expression[] {
  const out: t.Expression[] = [];
  params.forEach((p, i) => {
    for (const expression of takeDecorators(p as { decorators?: t.Decorator[] | null })) {
      out.push(t.callExpression(param(), [t.numericLiteral(i), expression]));
    }
  });
  return out;
}

function hasDecorators(node: t.Class): boolean {
  if ((node.decorators?.length ?? 0) > 0) return true;
  return node.body.body.some(
    (m) =>
      ((m as { decorators?: t.Decorator[] | null }).decorators?.length ?? 0) > 0 ||
      ((t.isClassMethod(m) || t.isClassPrivateMethod(m)) && m.params.some((p) => ((p as { decorators?: t.Decorator[] | null }).decorators?.length ?? 0) > 0)),
  );
}

function memberKey(member: NodePath<Member>, node: t.ClassMethod | t.ClassProperty): t.Expression {
  if (node.computed) throw member.buildCodeFrameError("a decorated member with a computed key is not supported");
  const key = node.key;
  if (t.isIdentifier(key)) return t.stringLiteral(key.name);
  if (t.isStringLiteral(key) || t.isNumericLiteral(key)) return t.cloneNode(key);
  throw member.buildCodeFrameError("a decorated member needs a plain name");
}

export const legacyDecoratorsPlugin: PluginObj = {
  name: "spickle-legacy-decorators",
  visitor: {
    ClassExpression(path) {
      if (hasDecorators(path.node)) throw path.buildCodeFrameError("decorators are not valid here (tsc: TS1206): a decorated class must be a declaration");
    },
    ClassDeclaration(path) {
      const node = path.node;
      if (node.declare || !hasDecorators(node)) return;
      const program = path.findParent((p) => p.isProgram()) as NodePath<t.Program>;
      const helpers = (program.getData("spickle.decorateHelpers") ?? {}) as { decorate?: t.Identifier; param?: t.Identifier };
      const helper = (which: "decorate" | "param") => {
        if (helpers[which] === undefined) {
          const id = program.scope.generateUidIdentifier(which === "decorate" ? "decorate" : "param");
          const declaration = t.cloneNode(parseFunction(which === "decorate" ? DECORATE : PARAM));
          declaration.id = id;
          program.unshiftContainer("body", declaration);
          helpers[which] = id;
          program.setData("spickle.decorateHelpers", helpers);
        }
        return t.identifier(helpers[which]!.name);
      };
      const name = node.id?.name ?? path.scope.generateUidIdentifier("default").name;
      const classRef = () => t.identifier(name);
      const calls: { static: boolean; call: t.Statement }[] = [];
      let constructorParams: t.Expression[] = [];
      for (const member of path.get("body").get("body")) {
        const m = member.node;
        if (t.isClassMethod(m) && m.kind === "constructor") {
          constructorParams = parameterDecorators(m.params, () => helper("param"));
          continue;
        }
        if (!t.isClassMethod(m) && !t.isClassProperty(m)) {
          if (((m as { decorators?: t.Decorator[] | null }).decorators?.length ?? 0) > 0) throw member.buildCodeFrameError("this member cannot be decorated with legacy decorators");
          continue;
        }
        const decorators = takeDecorators(m);
        if (t.isClassMethod(m)) decorators.push(...parameterDecorators(m.params, () => helper("param")));
        if (decorators.length === 0) continue;
        const target = m.static ? classRef() : t.memberExpression(classRef(), t.identifier("prototype"));
        const desc = t.isClassMethod(m) ? t.nullLiteral() : t.unaryExpression("void", t.numericLiteral(0));
        calls.push({
          static: m.static,
          call: t.expressionStatement(t.callExpression(helper("decorate"), [t.arrayExpression(decorators), target, memberKey(member, m), desc])),
        });
      }
      const classDecorators = [...takeDecorators(node), ...constructorParams];
      const after: t.Statement[] = [...calls.filter((c) => !c.static), ...calls.filter((c) => c.static)].map((c) => c.call);
      const exportPath = path.parentPath.isExportNamedDeclaration() || path.parentPath.isExportDefaultDeclaration() ? path.parentPath : undefined;
      if (classDecorators.length === 0) {
        (exportPath ?? path).insertAfter(after);
        return;
      }
      // The class binding is replaced by the decorated class: `let C = class C { … }`.
      const alias = path.scope.generateUidIdentifier(name);
      const binding = node.id ? path.scope.getBinding(name) : undefined;
      let selfReferenced = false;
      if (binding !== undefined) {
        for (const reference of binding.referencePaths) {
          if (reference.isDescendant(path)) {
            reference.replaceWith(t.identifier(alias.name));
            selfReferenced = true;
          }
        }
      }
      if (selfReferenced) {
        node.body.body.unshift(t.staticBlock([t.expressionStatement(t.assignmentExpression("=", t.identifier(alias.name), t.thisExpression()))]));
      }
      const decorate = t.callExpression(helper("decorate"), [t.arrayExpression(classDecorators), classRef()]);
      after.push(
        t.expressionStatement(t.assignmentExpression("=", classRef(), selfReferenced ? t.assignmentExpression("=", t.identifier(alias.name), decorate) : decorate)),
      );
      const expression = t.classExpression(node.id ? t.identifier(name) : null, node.superClass, node.body, []);
      expression.superTypeParameters = node.superTypeParameters;
      expression.typeParameters = node.typeParameters;
      expression.implements = node.implements;
      const statements: t.Statement[] = [];
      if (selfReferenced) statements.push(t.variableDeclaration("var", [t.variableDeclarator(alias)]));
      statements.push(t.variableDeclaration("let", [t.variableDeclarator(t.identifier(name), expression)]), ...after);
      if (exportPath?.isExportDefaultDeclaration()) statements.push(t.exportDefaultDeclaration(classRef()));
      else if (exportPath !== undefined) statements.push(t.exportNamedDeclaration(null, [t.exportSpecifier(classRef(), classRef())]));
      (exportPath ?? path).replaceWithMultiple(statements);
    },
  },
};

const parsedHelpers = new Map<string, t.FunctionDeclaration>();

function parseFunction(source: string): t.FunctionDeclaration {
  let parsed = parsedHelpers.get(source);
  if (parsed === undefined) {
    parsed = templateFunction(source);
    parsedHelpers.set(source, parsed);
  }
  return parsed;
}

function templateFunction(source: string): t.FunctionDeclaration {
  const file = parseSync(source, { babelrc: false, configFile: false, sourceType: "module" }) as t.File;
  return file.program.body[0] as t.FunctionDeclaration;
}
