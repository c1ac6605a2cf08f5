export { FRAME, isCompiledGenerator } from "./generator.js";
