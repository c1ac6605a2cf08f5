// Node builtins this package needs only once a connection is made. `spickle` re-exports this
// package, so every program that imports `spickle` (a resumed checkpoint included) would otherwise
// load node:crypto, node:net and node:child_process at start: they load on first use
// (scripts/bench/results.md, "Figures behind the code").
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

export const crypto = (): typeof import("node:crypto") => require("node:crypto") as typeof import("node:crypto");
export const net = (): typeof import("node:net") => require("node:net") as typeof import("node:net");
export const childProcess = (): typeof import("node:child_process") => require("node:child_process") as typeof import("node:child_process");
