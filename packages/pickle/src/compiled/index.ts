// The runtime's kinds are built in: compiled generators and their frames, closures, bound
// functions, classes, their prototypes, methods and instances of compiled code, module records,
// and the runtime's own classes (serializable iterators, tasklets, channels) by reference to the
// @spickle/runtime module, which every process that decodes a snapshot has loaded. Also here: the
// handler for Node's EventEmitter once-wrappers (kinds/events.ts), a host kind that is a function.
import * as runtime from "@spickle/runtime";
import { defaultHandlers } from "../handlers.js";
import { refuseReference } from "../reference-policy.js";
import { defaultReferenceTable } from "../reference-table.js";
import { classHandler, instanceHandler, methodHandler, prototypeHandler } from "./classes.js";
import { onceListenerHandler } from "../kinds/events.js";
import { boundHandler, closureHandler } from "./functions.js";
import { frameHandler, generatorHandler } from "./generators.js";
import { moduleHandler } from "./modules.js";

defaultHandlers.add(generatorHandler).add(frameHandler).add(classHandler).add(prototypeHandler).add(methodHandler)
  .add(instanceHandler).add(closureHandler).add(onceListenerHandler).add(boundHandler).add(moduleHandler);
defaultReferenceTable.addModule("@spickle/runtime", runtime);
// The runtime's code loaders: restoreModule evaluates a module's code, a record's methods load
// modules by specifier. A snapshot may carry code only as a module record (allowCode decides).
refuseReference(runtime.restoreModule, "@spickle/runtime#restoreModule");
for (const key of Object.getOwnPropertyNames(runtime.ModuleRecord.prototype)) {
  const d = Object.getOwnPropertyDescriptor(runtime.ModuleRecord.prototype, key)!;
  if (key !== "constructor" && typeof d.value === "function") refuseReference(d.value, `@spickle/runtime#ModuleRecord.prototype.${key}`);
}
