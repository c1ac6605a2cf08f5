// `node --import spickle/register script.ts`: compiles the project's TypeScript and ESM modules
// with spickle's transform on import (see ./loader/loader-core.ts).
//
// V8's compile cache is turned on first, so the modules below start from cached code. The runtime
// is imported next, on this thread: modules loaded before the hooks exist do not go through them,
// and compiled code imports the same instance.
import { enableCompileCache } from "./loader/compile-cache.js";

enableCompileCache();
await import("@spickle/runtime");
const { registerLoader } = await import("./loader/register-loader.js");
registerLoader();
