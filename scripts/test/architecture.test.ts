// The layout rules of docs/design.md §1, checked on the sources: packages import only downward,
// no file imports itself back through others, and no source file grows past one idea (~600 lines).
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const packages = ["transform", "runtime", "pickle", "remote", "spickle"] as const;
/** What each package may import of ours (docs/design.md §1). */
const allowed: Record<(typeof packages)[number], string[]> = {
  transform: [],
  runtime: [],
  pickle: ["@spickle/runtime"],
  remote: ["@spickle/runtime", "@spickle/pickle"],
  spickle: ["@spickle/transform", "@spickle/runtime", "@spickle/pickle", "@spickle/remote"],
};

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  const pending = [dir];
  while (pending.length > 0) {
    const current = pending.pop()!;
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) pending.push(path);
      else if (/\.(ts|mts|cts)$/.test(entry.name) && !entry.name.endsWith(".d.ts")) out.push(path);
    }
  }
  return out.sort();
}

const IMPORT = /(?:^|\n)\s*(import|export)\s(type\s)?([^'"`;]*?\sfrom\s)?\s*["']([^"']+)["']/g;

/** The modules a source imports at run time: type-only imports and exports are erased. */
function specifiers(source: string): string[] {
  return [...source.matchAll(IMPORT)].filter((m) => m[2] === undefined).map((m) => m[4]!);
}

const files = new Map<string, { pkg: (typeof packages)[number]; lines: number; imports: string[] }>();
for (const pkg of packages) {
  for (const file of sourceFiles(join(root, "packages", pkg, "src"))) {
    const source = readFileSync(file, "utf8");
    files.set(file, { pkg, lines: source.split("\n").length, imports: specifiers(source) });
  }
}

/** The file a relative specifier names (`./x.js` is written for `./x.ts`). */
function target(from: string, spec: string): string | undefined {
  const base = resolve(dirname(from), spec);
  for (const candidate of [base.replace(/\.(m|c)?js$/, ".$1ts"), base, `${base}.ts`, join(base, "index.ts")]) {
    if (files.has(candidate)) return candidate;
  }
  return undefined;
}

describe("the sources' layout", () => {
  it("has sources to check", () => {
    expect(files.size).toBeGreaterThan(50);
  });

  it("keeps every source file under 600 lines", () => {
    const long = [...files].filter(([, f]) => f.lines > 600).map(([file, f]) => `${relative(root, file)} (${f.lines})`);
    expect(long).toEqual([]);
  });

  it("imports only downward between packages", () => {
    const wrong: string[] = [];
    for (const [file, f] of files) {
      for (const spec of f.imports) {
        if (!spec.startsWith("@spickle/") && spec !== "spickle" && !spec.startsWith("spickle/")) continue;
        const pkg = spec.startsWith("@spickle/") ? spec.split("/").slice(0, 2).join("/") : "spickle";
        if (!allowed[f.pkg].includes(pkg)) wrong.push(`${relative(root, file)} imports ${spec}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("has no import cycle between files", () => {
    const edges = new Map<string, string[]>();
    for (const [file, f] of files) {
      edges.set(file, f.imports.filter((s) => s.startsWith(".")).map((s) => target(file, s)).filter((t): t is string => t !== undefined));
    }
    // Tarjan's strongly connected components, iteratively.
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const onStack = new Set<string>();
    const stack: string[] = [];
    const cycles: string[][] = [];
    let counter = 0;
    for (const start of edges.keys()) {
      if (index.has(start)) continue;
      const work: Array<{ node: string; next: number }> = [{ node: start, next: 0 }];
      index.set(start, counter);
      low.set(start, counter++);
      stack.push(start);
      onStack.add(start);
      while (work.length > 0) {
        const top = work[work.length - 1]!;
        const out = edges.get(top.node)!;
        if (top.next < out.length) {
          const next = out[top.next++]!;
          if (!index.has(next)) {
            index.set(next, counter);
            low.set(next, counter++);
            stack.push(next);
            onStack.add(next);
            work.push({ node: next, next: 0 });
          } else if (onStack.has(next)) low.set(top.node, Math.min(low.get(top.node)!, index.get(next)!));
          continue;
        }
        work.pop();
        if (work.length > 0) {
          const parent = work[work.length - 1]!.node;
          low.set(parent, Math.min(low.get(parent)!, low.get(top.node)!));
        }
        if (low.get(top.node) === index.get(top.node)) {
          const component: string[] = [];
          let member: string;
          do {
            member = stack.pop()!;
            onStack.delete(member);
            component.push(relative(root, member));
          } while (member !== top.node);
          // (A module importing its own namespace, as the packages' entries do, is no cycle between files.)
          if (component.length > 1) cycles.push(component.sort());
        }
      }
    }
    expect(cycles).toEqual([]);
  });
});
