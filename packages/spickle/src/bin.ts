#!/usr/bin/env node
// The `spickle` command (see ./cli/main.ts).
import { main } from "./cli/main.js";

const code = await main(process.argv.slice(2));
// A failed run exits now, even if the program left timers or sockets open.
if (code !== 0) process.exit(code);
