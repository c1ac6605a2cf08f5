// The compiler and the runtime as the peer-suite runners load them, built from the TypeScript
// sources (as every test sees the workspace) with esbuild:
// - the compiler bundle is imported once per runner process; its npm dependencies (Babel) stay
//   external and resolve from packages/transform, where the bundle is written;
// - the runtime bundle is evaluated in every test's realm, so it is self-contained apart from
//   Node's built-in modules; the torture variant also loads @spickle/pickle and turns torture
//   mode on, as SPICKLE_TORTURE=1 does for the rest of the suite.
import { build, type Plugin } from "esbuild";
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const packages = fileURLToPath(new URL("../../../", import.meta.url));

export interface PeerBundles {
  compiler: string;
  runtime: string;
}

const externalNpm: Plugin = {
  name: "external-npm",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith("@spickle/") || args.path.startsWith("node:") ? undefined : { path: args.path, external: true },
    );
  },
};

export async function buildPeerBundles(torture: boolean): Promise<PeerBundles> {
  // Beside each package's src/ (git-ignored, not shipped): Babel resolves from there, and
  // pickle's `../package.json` read resolves to pickle's own.
  const compilerDir = `${packages}transform/.peer-suites/`;
  const runtimeDir = `${packages}pickle/.peer-suites/`;
  mkdirSync(compilerDir, { recursive: true });
  mkdirSync(runtimeDir, { recursive: true });
  const common = {
    bundle: true, format: "esm", platform: "node", target: "node20", conditions: ["source"], logLevel: "warning",
  } as const;
  const compiler = `${compilerDir}compiler.mjs`;
  const runtime = `${runtimeDir}runtime${torture ? "-torture" : ""}.mjs`;
  const entry = torture
    ? `export * from "@spickle/runtime";\nimport { setTortureMode } from "@spickle/pickle";\nsetTortureMode(true);\n`
    : `export * from "@spickle/runtime";\n`;
  await Promise.all([
    build({ ...common, entryPoints: [`${packages}transform/src/index.ts`], outfile: compiler, plugins: [externalNpm] }),
    build({ ...common, stdin: { contents: entry, resolveDir: `${packages}pickle/src`, loader: "ts" }, outfile: runtime }),
  ]);
  return { compiler, runtime };
}
