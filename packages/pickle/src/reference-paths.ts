// Syntax of by-reference paths: `<root>#<segments>`, root = "globalThis" or a module specifier.
//   globalThis#Math.max   node:path#join   globalThis#Array.prototype[Symbol.iterator]
//   globalThis#Uint8Array[[Prototype]]   pkg#["odd key"]   node:fs#   (the namespace itself)
// Kept apart from the table so that both the walker and the resolver agree on one grammar.

export type Segment = string | symbol | typeof PROTO;
export const PROTO: unique symbol = Symbol("[[Prototype]]");

const IDENT = /^[A-Za-z_$][\w$]*$/;

/** name → well-known symbol, and back (Symbol.iterator…): stable across processes. */
export const WELL_KNOWN = new Map<string, symbol>();
export const WELL_KNOWN_NAME = new Map<symbol, string>();
for (const name of Object.getOwnPropertyNames(Symbol)) {
  const s = (Symbol as unknown as Record<string, unknown>)[name];
  if (typeof s === "symbol") {
    WELL_KNOWN.set(name, s);
    WELL_KNOWN_NAME.set(s, name);
  }
}

export function appendSegment(path: string, seg: Segment): string {
  if (seg === PROTO) return `${path}[[Prototype]]`;
  if (typeof seg === "symbol") return `${path}[Symbol.${WELL_KNOWN_NAME.get(seg)}]`;
  if (IDENT.test(seg)) return path.endsWith("#") ? path + seg : `${path}.${seg}`;
  return `${path}[${JSON.stringify(seg)}]`;
}

/** Splits `root#rest` into the root and its segments; undefined when malformed. */
export function parsePath(path: string): { root: string; segments: Segment[] } | undefined {
  const hash = path.indexOf("#", 1);
  if (hash < 0) return undefined;
  const root = path.slice(0, hash);
  const segments: Segment[] = [];
  let i = hash + 1;
  while (i < path.length) {
    const c = path[i];
    if (c === "." || (i === hash + 1 && c !== "[")) {
      if (c === ".") i++;
      const m = /^[A-Za-z_$][\w$]*/.exec(path.slice(i, i + 256));
      if (!m) return undefined;
      segments.push(m[0]);
      i += m[0].length;
    } else if (path.startsWith("[[Prototype]]", i)) {
      segments.push(PROTO);
      i += 13;
    } else if (path.startsWith("[Symbol.", i)) {
      const end = path.indexOf("]", i);
      const s = end < 0 ? undefined : WELL_KNOWN.get(path.slice(i + 8, end));
      if (s === undefined) return undefined;
      segments.push(s);
      i = end + 1;
    } else if (path.startsWith('["', i)) {
      const end = findJsonEnd(path, i + 1);
      if (end < 0 || path[end] !== "]") return undefined;
      try {
        segments.push(JSON.parse(path.slice(i + 1, end)) as string);
      } catch {
        return undefined;
      }
      i = end + 1;
    } else return undefined;
  }
  return { root, segments };
}

function findJsonEnd(s: string, start: number): number {
  for (let i = start + 1; i < s.length; i++) {
    if (s[i] === "\\") i++;
    else if (s[i] === '"') return i + 1;
  }
  return -1;
}

/** Total order used to pick one path per object: shorter first, then lexicographically smaller. */
export function comparePaths(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
