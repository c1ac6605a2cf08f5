// `spickle/queue`: durable jobs on NATS JetStream, and the checkpoint stores, as an API (the
// `spickle queue` commands use the same). A subpath of its own: the NATS client loads only here.
export { Queue, type QueueOptions, type JobRecord, type JobState, DEFAULT_ACK_WAIT_MS } from "./queue.js";
export { submitJob, jobResult, cancelJob, isFinished, initialCheckpoint, type SubmitOptions } from "./jobs.js";
export { runWorker, WORKER_DEFAULTS, type WorkerOptions } from "./worker.js";
export { FileStore, type CheckpointStore, type StoredCheckpoint } from "../store/store.js";
export { JetStreamStore } from "../store/jetstream.js";
