#!/usr/bin/env node
// The `spickle` command (see ./cli/main.ts).
import { main } from "./cli/main.js";

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
