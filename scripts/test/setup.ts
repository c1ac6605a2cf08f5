// Test setup for every package: SPICKLE_TORTURE=1 turns on torture mode for the whole suite.
import { setTortureMode, tortureRequested } from "@spickle/pickle";

if (tortureRequested()) setTortureMode(true);
