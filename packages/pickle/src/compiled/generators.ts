// Suspended generators as snapshot data: a compiled generator object is its prototype plus its
// Frame; a Frame is its data fields (FRAME_FIELDS) — the function, the state machine, `this`,
// locals, location, saved completions and the `yield*` delegate, which is itself a generator (so
// a whole `yield*` stack is written) or a serializable iterator. Frames' caches (symbol-keyed)
// are never written; a decoded chain rebuilds them on its first resumption.

import { attachFrame, emptyFrame, Frame, FRAME_FIELDS, frameOf, isCompiledGenerator } from "@spickle/runtime";
import type { ObjectHandler } from "../handlers.js";

export const generatorHandler: ObjectHandler = {
  kind: "spickle.generator",
  claims: (value) => isCompiledGenerator(value),
  describe: (generator) => ({ create: [Object.getPrototypeOf(generator)], fill: [frameOf(generator)], fillNames: ["frame"] }),
  create: ([proto]) => Object.create(proto as object) as object,
  fill: (generator, [frame]) => attachFrame(generator, frame as Frame),
};

export const frameHandler: ObjectHandler<Frame> = {
  kind: "spickle.frame",
  claims: (value) => value instanceof Frame,
  describe: (frame) => ({
    create: [],
    fill: FRAME_FIELDS.map((field) => frame[field]),
    fillNames: FRAME_FIELDS.map((field) => (field === "l" ? "locals" : field)),
  }),
  create: () => emptyFrame(),
  fill: (frame, values) => {
    const fields = frame as unknown as Record<string, unknown>;
    FRAME_FIELDS.forEach((field, index) => (fields[field] = values[index]));
  },
};
