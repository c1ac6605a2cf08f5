// `node --import spickle/register script.ts`: compiles the project's TypeScript and ESM modules
// with spickle's transform on import (see ./loader/hooks.ts).
//
// The runtime is imported first, on this thread: modules loaded before the hooks exist do not
// pay a round trip to the hooks thread each, and compiled code imports the same instance.
import "@spickle/runtime";
import { registerLoader } from "./loader/register-loader.js";

registerLoader();
