// Restored modules that import @spickle/runtime get this very instance (see provideModule).
import * as runtime from "./index.js";
import { provideModule } from "./modules.js";

export { TRANSIENT, SYNC, registerDataClass, dataClassName, dataClass, dataFields, restoreData } from "./data.js";
export {
  FRAME,
  Frame,
  GeneratorPrototype,
  gen,
  ASYNC_KIND,
  mark,
  shell,
  setResumeHook,
  isCompiledGenerator,
  isCompiledGeneratorFunction,
  frameOf,
  frameStack,
  FRAME_FIELDS,
  emptyFrame,
  attachFrame,
} from "./generator.js";
export { markMethod, superGet, superSet, named, notConstructor } from "./methods.js";
export { DisposalScope, usingCtx } from "./disposal.js";
export { sourceTextOf } from "./source-text.js";
export { captureGenerator, restoreGenerator, type FrameData, type GeneratorData, type External } from "./frames.js";
// lowering support
export {
  SerializableIterator, ArrayIterator, StringIterator, MapIterator, SetIterator, MatchAllIterator, ForInIterator,
  iteratorOf, values, entriesOf, keysOf, valuesOf, matchAllOf,
} from "./iterators.js";
export type { IterationKind } from "./iterators.js";
export {
  IteratorRecord, iter, step, take, stepValue, restOf, closeIterator, closeIteratorOnThrow, forInKeys, nextKey,
  toPropertyKey, templateString, templateObject, spreadArray, spreadObject, requireObjectCoercible, objectRest,
  spreadCall, callMethod, spreadNew,
} from "./lowering.js";
// closures as data
export {
  SITE, SCOPE, SiteRegistry, closure, registerSites, liveRegistry, closureOf, recreate, defineAccessor, accessorOf,
  bind, boundOf, rebind, registerSitesOf, siteOf, registerClassSite, type SourceTable, type Scope, type Factory, type ClosureData, type BoundData,
  // Exported so that the bundle keeps them alive (see closures.ts): a bundler drops what the
  // package entry does not export into a local that dies after the module runs.
  taggedFunctionKinds,
} from "./closures.js";
// classes as data
export {
  RESTORE, defineClass, declareClass, declaredClass, classOf, methodOf, methodAt, recreateClass, compiledChain,
  construct, type PrivateAccess, type PrivateFields, type ClassData, type ClassDetails, type MethodData,
} from "./classes.js";
export { INTERNAL_KEYS } from "./tags.js";
// module records
export {
  ModuleRecord, registerModule, liveModule, loadedPackageImports, type PackageImports, moduleOf, restoreModule, provideModule, type ModuleInfo, type ModuleLink, type BindingKind, type SiteIdentity,
} from "./modules.js";
// tasklets
export { sharedDataClassName } from "./data.js";
export { Tasklet, TaskletExit, TaskletQueue, type TaskletStatus, type TaskletFunction, type TimerEntry } from "./tasklets/tasklet.js";
export { Scheduler } from "./tasklets/scheduler.js";
export {
  DeadlockError, type SchedulerOptions, type PauseOptions, type ResumeOptions, type SchedulerState, type LongSliceReporter,
  type HostHandler, type ErrorReporter,
} from "./tasklets/scheduler-options.js";
export { coarseClockTicking } from "./tasklets/coarse-clock.js";
export { Op, ScheduleOp, SleepOp, IoOp, HostCallOp, schedule, sleep, io, hostCall } from "./tasklets/ops.js";
export { Channel, ChannelClosedError, SendOp, ReceiveOp, ReceiveAllOp } from "./tasklets/channel.js";
export { Lock, AcquireOp } from "./tasklets/lock.js";
export { all, race, select, JoinOp, GroupOp, SelectOp, type Selected, type SelectCase, type ResultOf } from "./tasklets/structured.js";
export { captureGraph, restoreGraph, type GraphData, type GraphObject, type GraphValue } from "./tasklets/capture.js";

provideModule("@spickle/runtime", runtime);
// compiled async functions
export {
  Task, Forward, NativeReaction, ThenableJob, SubscribeJob, AsyncQueue, asyncQueue, adoptAsyncQueue, startAsync, isTask,
  setJobHook, foreignWaitOf, foreignWaitCount,
  PENDING, FULFILLED, REJECTED, type TaskState, type Reaction,
} from "./async/task.js";
export { promiseAll, promiseAllSettled, promiseAny, promiseRace, Aggregate, AggregateElement, RaceElement } from "./async/combinators.js";
