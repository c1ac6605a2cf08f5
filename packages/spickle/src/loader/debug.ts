// SPICKLE_DEBUG_LOADER=1: the loader says what it does on stderr (written synchronously, so the
// lines of the hooks thread and of the main thread come out in order).

import { writeSync } from "node:fs";

const enabled = process.env.SPICKLE_DEBUG_LOADER === "1";

export function debug(message: string): void {
  if (enabled) writeSync(2, `spickle: ${message}\n`);
}
