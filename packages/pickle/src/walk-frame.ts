// A frame of the encoder's walk (encoder.ts): one object being encoded. error-paths.ts reads the stack
// of them to name the value an error is about.
import type { Description } from "./kinds/description.js";

export const PLAIN = 0;
export const ARRAY = 1;
export const GENERIC = 2;

/** One object being encoded. Frames are reused, one per stack depth; fields are fixed so every
 * frame has one hidden class. */
export class Frame {
  kind = PLAIN;
  obj: object = Frame;
  /** PLAIN: the keys. */
  keys: string[] | null = null;
  /** GENERIC: what to write, and the fields being built (create values, then [i, ...fill
   * values]). */
  desc: Description | null = null;
  vals: unknown[] | null = null;
  /** PLAIN and ARRAY: where the values start on the encoder's value stack (the property values
   * or elements, read at entry and replaced by their wire forms), and how many. */
  base = 0;
  n = 0;
  /** The value being looked at. */
  pos = 0;
  /** Entry index once the object is created, else -1. */
  index = -1;
  stage = 0;
  visit = 0;
}


/** Frames an encoder keeps for its next graph. */
const KEEP_FRAMES = 64;

/** Lets go of what the frames of a finished walk point at, keeping KEEP_FRAMES for the next. */
export function releaseFrames(stack: Frame[]): void {
  if (stack.length > KEEP_FRAMES) stack.length = KEEP_FRAMES;
  for (let i = 0; i < stack.length; i++) {
    const f = stack[i]!;
    f.obj = Frame;
    f.keys = null;
    f.desc = null;
    f.vals = null;
  }
}
