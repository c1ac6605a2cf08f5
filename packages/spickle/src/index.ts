// spickle's public API. (Tasklets, checkpointing and remote calls join as they land.)

export {
  captureGenerator,
  restoreGenerator,
  frameStack,
  isCompiledGenerator,
  isCompiledGeneratorFunction,
  type FrameData,
  type GeneratorData,
} from "@spickle/runtime";
export {
  dumps,
  loads,
  registerReducer,
  SerializeError,
  SnapshotError,
  writeSnapshotFile,
  type DumpOptions,
  type LoadOptions,
} from "@spickle/pickle";
