// Restored modules that import spickle get this very instance (see provideModule).
import * as spickle from "./index.js";
import { provideModule } from "@spickle/runtime";

// spickle's public API.

// tasklets (Stackless model)
export {
  Tasklet,
  Scheduler,
  Channel,
  ChannelClosedError,
  Lock,
  schedule,
  sleep,
  io,
  DeadlockError,
  Op,
  ScheduleOp,
  SleepOp,
  IoOp,
  HostCallOp,
  SendOp,
  ReceiveOp,
  ReceiveAllOp,
  AcquireOp,
  all,
  race,
  select,
  JoinOp,
  GroupOp,
  SelectOp,
  type Selected,
  type SelectCase,
  type ResultOf,
  type TaskletStatus,
  type TaskletFunction,
  type TimerEntry,
  type SchedulerOptions,
  type PauseOptions,
  type ResumeOptions,
  type SchedulerState,
  type HostHandler,
  type ErrorReporter,
} from "@spickle/runtime";
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
  type CheckpointableMain,
  type ForkResult,
  type ProgressReport,
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
  type External,
  type Frame,
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
  type EncodeOptions,
  type DecodeOptions,
  type SnapshotKeyOptions,
  type Progress,
  type SerializableModules,
  type ModuleMode,
  type ModuleDumpOptions,
  type ModuleLoadOptions,
  type Reducer,
  type ReducerOption,
  type Constructor,
  type ObjectHandler,
  type ObjectDescription,
  type EncodeContext,
  type DecodeContext,
  type ReferenceTable,
  type HandlerRegistry,
  type ReducerRegistry,
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
  type CommandTarget,
  type TcpTarget,
  type ConnectOptions,
  type CallOptions,
  type Key,
} from "@spickle/remote";

// what a module's `upgrade(from)` hook is told (spickle resume --upgrade)
export type { SnapshotInfo } from "./upgrade.js";

provideModule("spickle", spickle);
