// Stack traces through code restored from a snapshot. A restored module runs from a `vm` script
// named `spickle-restore:<id>#<hash>`, which Node 20 does not source-map. Once the first module is
// restored, `Error.prepareStackTrace` maps its frames to the original file, line and column
// through the module's source map (carried by the snapshot, so the source need not exist). Other
// frames are formatted as before (Node's formatter applies the source maps it knows).

import { SourceMap } from "node:module";
import { dirname, isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";

interface Restored {
  /** The original module's file (path or URL): where relative sources of its map are. */
  file: string;
  raw: unknown;
  map?: SourceMap;
}

const restored = new Map<string, Restored>();
let installed = false;

/** Registers a restored module's script name with its source map and original location. */
export function registerRestoredScript(scriptName: string, map: unknown, url: string | undefined, id: string): void {
  if (map === null || map === undefined) return;
  let file = url ?? id;
  if (file.startsWith("file://")) file = fileURLToPath(file);
  restored.set(scriptName, { file, raw: map });
  install();
}

interface Location {
  file: string;
  line: number;
  column: number;
}

/** Where a position in a restored script (1-based line and column) was in the original source. */
export function originalLocation(scriptName: string, line: number, column: number): Location | undefined {
  const entry = restored.get(scriptName);
  if (entry === undefined) return undefined;
  entry.map ??= new SourceMap(entry.raw as ConstructorParameters<typeof SourceMap>[0]);
  const found = entry.map.findEntry(line - 1, column - 1) as { originalSource?: string; originalLine?: number; originalColumn?: number };
  if (found.originalLine === undefined) return undefined;
  return { file: sourceFile(found.originalSource, entry.file), line: found.originalLine + 1, column: (found.originalColumn ?? 0) + 1 };
}

/** The source the map names, as a path when it is one (relative names are taken from the module's own location). */
function sourceFile(source: string | undefined, moduleFile: string): string {
  if (source === undefined || source === "") return moduleFile;
  if (source.startsWith("file://")) return fileURLToPath(source);
  if (isAbsolute(source)) return source;
  return isAbsolute(moduleFile) ? resolve(dirname(moduleFile), source) : source;
}

function install(): void {
  if (installed) return;
  installed = true;
  // Node's own formatter (which applies the source maps Node knows) runs first, on the frames as
  // they are; then the locations of restored frames are replaced in its text, frame by frame.
  const previous = Error.prepareStackTrace;
  Error.prepareStackTrace = (error, sites) => {
    const text = previous !== undefined
      ? String(previous(error, sites))
      : [header(error), ...sites.map((site) => `    at ${String(site)}`)].join("\n");
    return mapRestoredFrames(text, sites);
  };
}

function mapRestoredFrames(text: string, sites: NodeJS.CallSite[]): string {
  let out = "";
  let from = 0;
  for (const site of sites) {
    const name = site.getFileName();
    const line = site.getLineNumber();
    const column = site.getColumnNumber();
    if (name === undefined || name === null || !name.startsWith("spickle-restore:") || line === null || column === null) continue;
    const location = originalLocation(name, line, column);
    const written = `${name}:${line}:${column}`;
    const at = text.indexOf(written, from);
    if (location === undefined || at < 0) continue;
    out += `${text.slice(from, at)}${location.file}:${location.line}:${location.column}`;
    from = at + written.length;
  }
  return out + text.slice(from);
}

function header(error: Error): string {
  try {
    return Error.prototype.toString.call(error);
  } catch {
    return "Error";
  }
}
