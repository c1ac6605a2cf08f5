// Continues from the last checkpoint: `node --import spickle/register examples/checkpointing/resume.ts`
// (This program's module is loaded here by reference; snapshots that carry their modules' code
// need no import at all.)
import { resumeCheckpoint } from "spickle";
import "./long-running.js";

const checkpointFile = process.env["CHECKPOINT_FILE"] ?? "example1.checkpoint";
await resumeCheckpoint(checkpointFile, ...process.argv.slice(2));
