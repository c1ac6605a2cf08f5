// Restored modules that import spickle get this very instance (see provideModule).
import * as spickle from "./index.js";
import { provideModule } from "@spickle/runtime";

// spickle's public API.

// tasklets (Stackless model)
export { Tasklet, Scheduler, Channel, ChannelClosedError, Lock, schedule, sleep, io, DeadlockError } from "@spickle/runtime";
// checkpointing (sPickle's checkpointing example, typed)
export {
  CheckpointSupport,
  runCheckpointable,
  resumeCheckpoint,
  resumeCheckpointWith,
  markCheckpointFinished,
  CheckpointError,
  type CheckpointOptions,
  type CheckpointResult,
  type ForkResult,
} from "./checkpoint.js";
// frames and pickling
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

// remote compute (sPickle's remotemethod)
export {
  connect,
  remoteMethod,
  byReference,
  Connection,
  RemoteConnectionError,
  RemoteTimeoutError,
  type ConnectTarget,
  type ConnectOptions,
  type CallOptions,
} from "@spickle/remote";

provideModule("spickle", spickle);
