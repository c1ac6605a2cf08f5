// A CommonJS TypeScript module (`.cts`) compiles to an ES module that behaves as tsc's CommonJS
// output does for the code around it: `require`, `module`, `exports`, `__filename` and
// `__dirname` exist (`require` is Node's, made for this file), `export =` (./typescript-modules.ts)
// sets `module.exports`, ES `export`s are also set on `exports`, and the module's default export
// is `module.exports` — what an ES module importing a CommonJS file receives from Node.

import type { PluginObj } from "@babel/core";
import * as t from "@babel/types";

export function isCommonJsFile(filename: string): boolean {
  return /\.cts$/.test(filename);
}

const id = (name: string) => t.identifier(name);

export const commonJsPlugin: PluginObj = {
  name: "spickle-commonjs",
  visitor: {
    Program: {
      exit(program) {
        const body = program.node.body;
        const exported: string[] = [];
        let hasDefault = false;
        for (const statement of body) {
          if (t.isExportDefaultDeclaration(statement)) hasDefault = true;
          if (!t.isExportNamedDeclaration(statement) || statement.exportKind === "type") continue;
          if (statement.declaration) exported.push(...Object.keys(t.getBindingIdentifiers(statement.declaration, false, true)));
          else if (statement.source == null) {
            for (const specifier of statement.specifiers) {
              if (t.isExportSpecifier(specifier) && t.isIdentifier(specifier.exported)) {
                if (specifier.exported.name === "default") hasDefault = true;
                else exported.push(specifier.exported.name);
              }
            }
          }
        }
        const bound = (name: string) => program.scope.hasOwnBinding(name);
        const createRequire = program.scope.generateUidIdentifier("createRequire");
        const fileURLToPath = program.scope.generateUidIdentifier("fileURLToPath");
        const dirname = program.scope.generateUidIdentifier("dirname");
        const prelude: t.Statement[] = [
          t.importDeclaration([t.importSpecifier(createRequire, id("createRequire"))], t.stringLiteral("node:module")),
          t.importDeclaration([t.importSpecifier(fileURLToPath, id("fileURLToPath"))], t.stringLiteral("node:url")),
          t.importDeclaration([t.importSpecifier(dirname, id("dirname"))], t.stringLiteral("node:path")),
        ];
        const importMetaUrl = () => t.memberExpression(t.metaProperty(id("import"), id("meta")), id("url"));
        const declare = (kind: "const" | "let", name: string, init: t.Expression) => {
          if (!bound(name)) prelude.push(t.variableDeclaration(kind, [t.variableDeclarator(id(name), init)]));
        };
        declare("const", "require", t.callExpression(createRequire, [importMetaUrl()]));
        declare("const", "module", t.objectExpression([t.objectProperty(id("exports"), t.objectExpression([]))]));
        declare("let", "exports", t.memberExpression(id("module"), id("exports")));
        declare("const", "__filename", t.callExpression(fileURLToPath, [importMetaUrl()]));
        declare("const", "__dirname", t.callExpression(dirname, [id("__filename")]));
        const imports = body.filter((s) => t.isImportDeclaration(s));
        const rest = body.filter((s) => !t.isImportDeclaration(s));
        const epilogue: t.Statement[] = exported.map((name) =>
          t.expressionStatement(t.assignmentExpression("=", t.memberExpression(id("exports"), id(name)), id(name))),
        );
        if (!hasDefault) epilogue.push(t.exportDefaultDeclaration(t.memberExpression(id("module"), id("exports"))));
        program.node.body = [...prelude, ...imports, ...rest, ...epilogue];
        program.scope.crawl();
      },
    },
  },
};
