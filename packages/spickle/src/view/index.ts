// `spickle inspect --html <checkpoint> [-o file]` and `spickle view <checkpoint> [<later>]`: the
// snapshot as a browser page. The file is verified whole first (a damaged one is the usual
// one-line error, and no page); the page is built from its header and an index of its body.
import { writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { SnapshotError } from "@spickle/pickle";
import { snapshotContentsAndBody, type SnapshotContents } from "@spickle/pickle/contents";
import { fileProblem, readSnapshotBytes } from "../cli/snapshot-file.js";
import { UsageError } from "../cli/errors.js";
import { compareModels } from "./compare.js";
import { buildModel, type IndexedSnapshot } from "./model.js";
import { renderPage } from "./page.js";
import { nodeView, ViaCache, type NodeView } from "./values.js";

/** Reads, verifies and indexes the snapshot `file`; a bad snapshot is a one-line UsageError. */
export function indexSnapshot(file: string): IndexedSnapshot {
  const bytes = readSnapshotBytes(file);
  let read: { contents: SnapshotContents; body: Uint8Array };
  try {
    // The body is read once, by the viewer's index (buildModel).
    read = snapshotContentsAndBody(bytes, { objects: false });
  } catch (error) {
    if (error instanceof SnapshotError) throw fileProblem(file, error.message.split("\n")[0]!);
    throw error;
  }
  return buildModel(file, read.contents, read.body);
}

/** The page of `files` (one snapshot, or an earlier and a later one to compare). */
export function viewPage(snapshots: IndexedSnapshot[]): string {
  const last = snapshots[snapshots.length - 1]!;
  return renderPage(last.model, snapshots.length === 2 ? compareModels(snapshots[0]!.model, last.model) : undefined);
}

/** `inspect --html`: writes the page to `output` (default: the checkpoint's name + .html);
 * returns the path written. */
export function writeHtml(file: string, output: string | undefined): string {
  const page = viewPage([indexSnapshot(file)]);
  const target = output ?? `${file.replace(/\.ckpt$/, "")}.html`;
  try {
    writeFileSync(target, page);
  } catch (error) {
    throw new UsageError(`spickle: cannot write ${target} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return target;
}

/** An entry and the entries on its retainer path, for a page that does not carry them. */
function nodeWithPath(snapshot: IndexedSnapshot, id: number): NodeView[] | undefined {
  const { index, graph } = snapshot;
  if (index === null || graph === null || !Number.isInteger(id) || id < 0 || id >= index.count) return undefined;
  const out: NodeView[] = [];
  const via = new ViaCache();
  for (let e = id; e >= 0 && out.length < 10_000; e = graph.parent[e]!) out.push(nodeView(index, graph, e, via));
  return out;
}

/** `spickle view`: serves the page on 127.0.0.1 (`port`, 0 for any free one); resolves with the
 * server once it listens. */
export async function serveView(files: string[], port: number): Promise<{ server: Server; url: string }> {
  if (files.length < 1 || files.length > 2) throw new UsageError("spickle: view takes one checkpoint, or two to compare");
  const snapshots = files.map(indexSnapshot);
  const page = viewPage(snapshots);
  const last = snapshots[snapshots.length - 1]!;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (req.method !== "GET") {
      res.writeHead(405).end();
      return;
    }
    if (url.pathname === "/") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" }).end(page);
      return;
    }
    if (url.pathname === "/api/node") {
      const nodes = nodeWithPath(last, Number(url.searchParams.get("id")));
      if (nodes === undefined) res.writeHead(404).end();
      else res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(nodes));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  const bound = typeof address === "object" && address !== null ? address.port : port;
  return { server, url: `http://127.0.0.1:${bound}/` };
}
