// Compiled code reaches the runtime through one namespace import, added on first use.

import { types as t, type NodePath } from "@babel/core";

export const RUNTIME_SPECIFIER = "@spickle/runtime";

export class RuntimeRef {
  #used = false;
  readonly #id: t.Identifier;

  constructor(program: NodePath<t.Program>) {
    this.#id = program.scope.generateUidIdentifier("rt");
  }

  /** `_rt.name` */
  get(name: string): t.MemberExpression {
    this.#used = true;
    return t.memberExpression(t.cloneNode(this.#id), t.identifier(name));
  }

  /** `_rt.name(...args)` */
  call(name: string, args: t.Expression[]): t.CallExpression {
    return t.callExpression(this.get(name), args);
  }

  /** Adds the import if anything used the runtime. */
  finish(program: NodePath<t.Program>, specifier = RUNTIME_SPECIFIER): void {
    if (!this.#used) return;
    program.unshiftContainer(
      "body",
      t.importDeclaration([t.importNamespaceSpecifier(t.cloneNode(this.#id))], t.stringLiteral(specifier)),
    );
  }

  get name(): string {
    return this.#id.name;
  }
}
