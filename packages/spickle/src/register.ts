// `node --import spickle/register script.ts`: compiles the project's TypeScript and ESM modules
// with spickle's transform on import (see ./loader/hooks.ts).
import { registerLoader } from "./loader/register-loader.js";

registerLoader();
