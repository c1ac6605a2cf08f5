// The runtime's kinds are built in: compiled generators and their frames, closures and bound
// functions of compiled code, and the runtime's own
// classes (serializable iterators, and later tasklets and channels) by reference to the
// @spickle/runtime module, which every process that decodes a snapshot has loaded.
import * as runtime from "@spickle/runtime";
import { defaultHandlers } from "../handlers.js";
import { defaultReferenceTable } from "../reference-table.js";
import { classHandler, instanceHandler, methodHandler, prototypeHandler } from "./classes.js";
import { boundHandler, closureHandler } from "./functions.js";
import { frameHandler, generatorHandler } from "./generators.js";
import { moduleHandler } from "./modules.js";

defaultHandlers.add(generatorHandler).add(frameHandler).add(classHandler).add(prototypeHandler).add(methodHandler)
  .add(instanceHandler).add(closureHandler).add(boundHandler).add(moduleHandler);
defaultReferenceTable.addModule("@spickle/runtime", runtime);
