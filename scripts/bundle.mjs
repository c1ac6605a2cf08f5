// After `tsc -b`: @spickle/runtime as one ES module. Every program that runs under spickle loads
// the runtime at start; as one file instead of eighteen it loads about 6 ms sooner (Node 20 reads,
// resolves and compiles each ES module separately and has no code cache for them). The package's
// export points at the bundle; tests import the TypeScript sources ("source" condition).
import { build } from "esbuild";
import { fileURLToPath } from "node:url";

const dist = fileURLToPath(new URL("../packages/runtime/dist/", import.meta.url));
await build({
  entryPoints: [`${dist}index.js`],
  outfile: `${dist}bundle.js`,
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  logLevel: "warning",
});
