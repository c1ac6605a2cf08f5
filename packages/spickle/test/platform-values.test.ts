import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";
import { compile } from "@spickle/transform";
import { runDeleteAndResume } from "./cli-support.js";

// Platform data objects and exports of `node:` builtins, in module state and in a tasklet's
// locals, checkpointed and resumed in a fresh process in another folder after the program's
// sources are deleted: equal and working after the resume.
test("platform values and node: builtin functions survive a checkpoint and a resume elsewhere", () => {
  const spickle = fileURLToPath(new URL("..", import.meta.url));
  const project = mkdtempSync(join(tmpdir(), "spickle-project-"));
  const elsewhere = mkdtempSync(join(tmpdir(), "spickle-elsewhere-"));
  const checkpoint = join(elsewhere, "job.checkpoint");
  try {
    mkdirSync(join(project, "node_modules"));
    symlinkSync(spickle, join(project, "node_modules", "spickle"));
    mkdirSync(join(project, "node_modules", "@spickle"));
    symlinkSync(join(spickle, "../runtime"), join(project, "node_modules", "@spickle", "runtime"));
    writeFileSync(join(project, "package.json"), '{ "type": "module" }');
    const source = `
      import { type CheckpointSupport } from "spickle";
      import * as path from "node:path";
      import { readFileSync } from "node:fs";
      const base = new URL("https://example.com/api?v=1");
      const money = new Intl.NumberFormat("de-DE", { style: "currency", currency: "EUR" });
      const controller = new AbortController();
      const headers = new Headers({ accept: "text/plain" });
      export default function* main(cp: CheckpointSupport) {
        const url = new URL("http://h/p?x=1");
        const params = url.searchParams;
        const decoder = new TextDecoder("utf-16le", { fatal: true });
        const join = path.join;
        const fns = new Map<string, unknown>([["read", readFileSync]]);
        const err = new DOMException("gone", "AbortError");
        const signal = AbortSignal.abort("late");
        controller.abort("stopped");
        const at = yield* cp.checkpoint();
        if (!at.resumed) return "stopped";
        params.append("y", "2");
        return JSON.stringify([url.href, base.searchParams.get("v"), money.format(1.5), controller.signal.aborted,
          controller.signal.reason, headers.get("accept"), decoder.encoding, decoder.fatal,
          decoder.decode(new Uint8Array([0x41, 0])), join("a", "b"), fns.get("read") === readFileSync, err.name, err.message,
          signal.aborted, signal.reason]);
      }`;
    writeFileSync(join(project, "job.mjs"), compile(source, { filename: join(project, "job.ts"), moduleId: "job.ts" }).code);
    const output = runDeleteAndResume(project, checkpoint, elsewhere);
    expect(JSON.parse(output)).toEqual(["http://h/p?x=1&y=2", "1", "1,50\u00a0€", true, "stopped", "text/plain", "utf-16le", true,
      "A", "a/b", true, "AbortError", "gone", true, "late"]);
  } finally {
    rmSync(project, { recursive: true, force: true });
    rmSync(elsewhere, { recursive: true, force: true });
  }
});
