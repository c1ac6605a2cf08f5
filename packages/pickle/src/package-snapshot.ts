// The packages a snapshot names by reference, in its header (`packages`: [specifier, folder the
// program resolved it from]), and loading them before it is decoded: each is imported as the
// program imported it (an ES module cannot be required on every Node version this supports),
// from the recorded folder, else from the working directory (a resume in another folder).
import { pathToFileURL } from "node:url";
import { provideModule } from "@spickle/runtime";
import { SnapshotError, cut } from "./errors.js";
import { loadedPackage } from "./package-index.js";
import { resolvePackageFile } from "./package-resolution.js";
import { defaultReferenceTable, type ReferenceTable } from "./reference-table.js";

export type PackageRow = [specifier: string, folder: string | null];

/** The header rows for the packages an encode named. */
export function packageRows(specifiers: Iterable<string>): PackageRow[] {
  return [...specifiers].sort().map((s) => [s, loadedPackage(s)?.folder ?? null]);
}

function rowsOf(header: Record<string, unknown>): PackageRow[] {
  const rows = header.packages;
  if (!Array.isArray(rows)) return [];
  return rows.filter((r): r is PackageRow => Array.isArray(r) && typeof r[0] === "string" && (typeof r[1] === "string" || r[1] === null));
}

/** Loads the packages a snapshot's header names (skipping those this process loaded already), so
 * that a decode finds them: call before `loads` in a process that did not load them, e.g. a
 * resume. Fails with a one-line SnapshotError naming a package that does not resolve. */
export async function preparePackages(header: Record<string, unknown>, table: ReferenceTable = defaultReferenceTable): Promise<void> {
  for (const [specifier, folder] of rowsOf(header)) {
    const own = loadedPackage(specifier);
    if (own !== undefined) continue;
    const places = folder === null ? [process.cwd()] : [folder, process.cwd()];
    let file: string | undefined;
    for (const place of places) if ((file = resolvePackageFile(specifier, place)) !== undefined) break;
    if (file === undefined) {
      throw new SnapshotError(`this snapshot needs package ${cut(specifier)}, which does not resolve from ${places.map((p) => cut(p)).join(" or ")} (install it there)`);
    }
    let namespace: object;
    try {
      namespace = (await import(pathToFileURL(file).href)) as object;
    } catch (error) {
      throw new SnapshotError(`this snapshot needs package ${cut(specifier)}, which fails to load from ${cut(file)}: ${cut(String((error as Error)?.message ?? error).split("\n")[0]!)}`);
    }
    table.provide(specifier, namespace);
    // Restored modules that import it get the same instance.
    provideModule(specifier, namespace);
  }
}
