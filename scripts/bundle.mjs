// After `tsc -b`:
// - @spickle/runtime as one ES module. Every program that runs under spickle loads the runtime at
//   start; as one file instead of eighteen it loads about 6 ms sooner (Node 20 reads, resolves
//   and compiles each ES module separately and has no code cache for them). The package's export
//   points at the bundle; tests import the TypeScript sources ("source" condition).
// - @spickle/pickle's dist/msgpackr.js with msgpackr's packer and unpacker inside, so the published
//   package has no dependency on msgpackr (and its optional native addon; see src/msgpackr.ts).
// Both with source maps (the runtime's leads through tsc's maps to src/).
import { build } from "esbuild";
import { readFileSync, realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";

const runtimeDist = fileURLToPath(new URL("../packages/runtime/dist/", import.meta.url));
await build({
  entryPoints: [`${runtimeDist}index.js`],
  outfile: `${runtimeDist}bundle.js`,
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  sourcemap: true,
  logLevel: "warning",
});

const pickle = fileURLToPath(new URL("../packages/pickle/", import.meta.url));
const msgpackrLicense = readFileSync(`${realpathSync(`${pickle}node_modules/msgpackr`)}/LICENSE`, "utf8").trim();
await build({
  entryPoints: [`${pickle}src/msgpackr.ts`],
  outfile: `${pickle}dist/msgpackr.js`,
  allowOverwrite: true,
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  sourcemap: true,
  banner: { js: `/*\nmsgpackr, bundled:\n\n${msgpackrLicense.replaceAll("*/", "* /")}\n*/` },
  logLevel: "warning",
});
