// Starts the computation: `node --import spickle/register examples/checkpointing/run.ts [--crash-after=N]`
import { runCheckpointable } from "spickle";
import longRunning from "./long-running.js";

const checkpointFile = process.env["CHECKPOINT_FILE"] ?? "example1.checkpoint";
await runCheckpointable(longRunning, { checkpointFile }, ...process.argv.slice(2));
