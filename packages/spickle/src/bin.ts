#!/usr/bin/env node
// The `spickle` command (see ./cli/main.ts). V8's compile cache is turned on before the CLI's
// modules load (./loader/compile-cache.ts).
import { enableCompileCache } from "./loader/compile-cache.js";

enableCompileCache();
const { main } = await import("./cli/main.js");

// `spickle inspect x | head`: when the reader goes away, stop quietly, as git and docker do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(0);
    throw error;
  });
}

const code = await main(process.argv.slice(2));
// A failed run exits now, even if the program left timers or sockets open.
if (code !== 0) process.exit(code);
