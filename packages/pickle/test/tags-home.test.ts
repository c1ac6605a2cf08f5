// The body's record tags have one home, packages/pickle/src/tags.ts: no other source file of the repository defines a tag number —
// not under a tag's own name, not under a new name, not as a bare number next to tag names or as
// a number-keyed table of tag meanings. Everything else imports them (`import * as T`).

import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import * as tags from "../src/tags.js";

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const TAGS_FILE = "packages/pickle/src/tags.ts";

const tagNames = Object.keys(tags);
const nameAlternatives = tagNames.join("|");

interface Rule {
  reason: string;
  pattern: RegExp;
}

const RULES: Rule[] = [
  { reason: "declares a name tags.ts exports", pattern: new RegExp(`\\b(?:const|let|var)\\s+(?:${nameAlternatives})\\b\\s*[:=]`) },
  { reason: "declares a tag-like constant with a number", pattern: /\b(?:const|let|var)\s+T_[A-Z0-9_]+\s*(?::[^=]*)?=\s*-?\d/ },
  // The body's format number (tags.ts FORMAT); other formats (the frame's version, caches) are not tags.
  { reason: "declares the body format number", pattern: /\b(?:const|let|var)\s+(?:[A-Z0-9_]*(?:BODY|GRAPH|RECORD|TAGS?)_)?FORMAT\s*(?::[^=]*)?=\s*-?\d/ },
  { reason: "lists a bare number beside tag names", pattern: /\bT_[A-Z0-9_]+\s*,\s*\d+\s*[,\])]|[[(,]\s*\d+\s*,\s*(?:\w+\.)?T_[A-Z0-9_]+\b/ },
  { reason: "maps a tag number to a meaning", pattern: /^\s*(?:\[\s*)?\d+(?:\s*\])?\s*:\s*["'`]/ },
  { reason: "compares a tag with a bare number", pattern: /\btag\s*[!=]==?\s*\d+\b|\b\d+\s*[!=]==?\s*tag\b/ },
];

/** Source files under packages/<name>/src. */
function sourceFiles(): string[] {
  const out: string[] = [];
  const packagesDir = join(repoRoot, "packages");
  const stack = readdirSync(packagesDir).map((name) => join(packagesDir, name, "src"));
  while (stack.length > 0) {
    const path = stack.pop()!;
    let stats;
    try {
      stats = statSync(path);
    } catch {
      continue;
    }
    if (stats.isDirectory()) for (const name of readdirSync(path)) stack.push(join(path, name));
    else if (/\.(?:[cm]?ts|[cm]?js)$/.test(path) && !path.endsWith(".d.ts")) out.push(path);
  }
  return out.sort();
}

/** Code without comments (line comments after code too), line by line. */
function codeLines(text: string): string[] {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, (comment) => comment.replace(/[^\n]/g, " "))
    .split("\n")
    .map((line) => line.replace(/(^|[^:"'`\\])\/\/.*$/, "$1"));
}

/** Lines of `text` (from `file`, relative to the repository) that define a tag number. */
function offenses(file: string, text: string): string[] {
  if (file === TAGS_FILE) return [];
  const out: string[] = [];
  codeLines(text).forEach((line, i) => {
    const rule = RULES.find((r) => r.pattern.test(line));
    if (rule !== undefined) out.push(`${file}:${i + 1}: ${rule.reason}: ${line.trim()}`);
  });
  return out;
}

describe("the tags have one home", () => {
  it("tags.ts is read from here (the scan knows its names)", () => {
    expect(tagNames).toContain("T_HANDLER");
    expect(tagNames).toContain("FORMAT");
    expect(tagNames.length).toBeGreaterThan(30);
  });

  it("no source file but tags.ts defines a tag number", () => {
    const files = sourceFiles();
    expect(files.length).toBeGreaterThan(50);
    const found = files.flatMap((path) => offenses(relative(repoRoot, path).split("\\").join("/"), readFileSync(path, "utf8")));
    expect(found).toEqual([]);
  });

  it("the scan catches each way a copy was written before", () => {
    const copies = [
      "const BODY_FORMAT = 2;",
      "const T_REF = 9;",
      "export const T_HANDLER = 15;",
      "const T_SOMETHING_NEW: number = 31;",
      "  10: \"number\",",
      "  [12]: \"Symbol\",",
      "const PROTO_FIRST = new Set([T_OBJECT, 18, 19, 20]);",
      "const FILLS = [2, T.T_FILL_ARRAY];",
      "if (tag === 15) return;",
    ];
    for (const line of copies) expect(offenses("packages/spickle/src/cli/copy.ts", line), line).toHaveLength(1);
    // Importing them, and using them by name, is how everything else refers to tags.
    const uses = [
      'import * as T from "../tags.js";',
      "const TAG_TYPES = new Map<number, string>([[T.T_NEW_OBJECT, \"Object\"]]);",
      "if (tag === T.T_REF) paths.set(entries.length, first);",
      "w.uint(T.T_NUMBERS); // 29 [type, bytes]",
    ];
    for (const line of uses) expect(offenses("packages/spickle/src/cli/copy.ts", line), line).toEqual([]);
  });
});
