export { TRANSIENT, SYNC } from "./data.js";
export { FRAME, isCompiledGenerator } from "./generator.js";
