// Compiled generators. The transform turns a generator function into a plain function that calls
// `gen(body, fn, this, locals, tries)`; `body` is the state machine regenerator emitted (a switch
// over locations), and everything a suspended generator holds lives in a `Frame` whose own
// string-keyed fields are plain data. This file is the driver of regenerator's compact context
// protocol (`p`, `n`, `v`, `a()`, `f()`, `d()`), written so that `yield*` between compiled
// generators never recurses on the JS stack: the driver keeps the chain of frames itself.

/** Symbol under which a compiled generator object keeps its Frame. */
export const FRAME = Symbol("spickle.frame");
/** Set on generator functions the runtime has given the generator reflective surface. */
export const MARKED = Symbol("spickle.generatorFunction");
// Caches (symbol-keyed, so never data): the frame driving this one through `yield*`, and, on the
// frame a caller resumes, the innermost frame of its last suspension.
const PARENT = Symbol("spickle.parent");
const TIP = Symbol("spickle.tip");

// Completion types of the protocol.
const NEXT = 0;
const THROW = 1;
const RETURN = 2;
const JUMP = 3;
const FINISH = 4;

/** Frame states. */
export const START = 0;
export const SUSPENDED = 1;
export const EXECUTING = 2;
export const COMPLETED = 3;
export type FrameStateCode = typeof START | typeof SUSPENDED | typeof EXECUTING | typeof COMPLETED;

/** What a body returns to say "keep dispatching" (as opposed to a yielded value). */
const CONTINUE = Object.freeze({ continue: true });

/** One `[tryLoc, catchLoc, finallyLoc, afterLoc]` entry per try statement, innermost first. */
export type TryEntry = readonly (number | undefined)[];
export type Locals = Record<string, unknown>;
export type Body = (this: unknown, frame: Frame, locals: Locals) => unknown;

export class Frame {
  // Regenerator's context fields, read and written by compiled code.
  /** Next location to run; -1 once the body has ended. */
  n = 0;
  /** Location being run (the try table is matched against it). */
  p = 0;
  /** Value sent by `next()`, exception caught, or result of a finished `yield*`. */
  v: unknown = undefined;

  state: FrameStateCode = START;
  /** Completion being dispatched, and its argument. */
  method = NEXT;
  arg: unknown = undefined;
  /** Iterator of the pending `yield*`, if any, and its `next` method (read once, at the start). */
  delegate: object | null = null;
  delegateNext: unknown = undefined;
  /** Completions saved while finally blocks run: `[type, value]` at `2 * tryIndex`. */
  pending: unknown[] | null = null;
  [PARENT]: Frame | null = null;
  [TIP]: Frame | null = null;

  constructor(
    public body: Body,
    public fn: Function,
    public self: unknown,
    public l: Locals,
    public tries: readonly TryEntry[] | null,
  ) {}

  /** Abrupt completion (`a(2, value)` is `return value`, `a(3, loc)` a jump out of a try). */
  a(type: number, value?: unknown): unknown {
    return dispatch(this, type, value);
  }

  /** End of the finally block at `finallyLoc`: resume the completion it interrupted. */
  f(finallyLoc: number): unknown {
    return dispatch(this, FINISH, finallyLoc);
  }

  /** Start `yield*` over `iterator`, continuing at `nextLoc` with its result. */
  d(iterator: object, nextLoc: number): unknown {
    this.delegate = iterator;
    this.delegateNext = (iterator as { next?: unknown }).next;
    this.method = NEXT;
    this.arg = undefined;
    this.n = nextLoc;
    return CONTINUE;
  }
}

/** Routes an abrupt completion to the innermost try statement that handles it. */
function dispatch(frame: Frame, type: number, value: unknown): unknown {
  frame.method = type;
  frame.arg = value;
  const tries = frame.tries;
  if (tries !== null && frame.state !== START) {
    const prev = frame.p;
    for (let index = 0; index < tries.length; index++) {
      const entry = tries[index]!;
      const tryLoc = entry[0]!;
      const finallyLoc = entry[2];
      if (type === FINISH) {
        if (finallyLoc === value) {
          finishFinally(frame, index, entry);
          return CONTINUE;
        }
      } else if (tryLoc <= prev) {
        if (type < RETURN && prev < (entry[1] as number)) {
          frame.method = NEXT;
          frame.v = value;
          frame.n = entry[1]!;
          return CONTINUE;
        }
        if (
          prev < (finallyLoc as number) &&
          (type < JUMP || tryLoc > (value as number) || (value as number) > finallyLoc!)
        ) {
          const pending = (frame.pending ??= []);
          pending[2 * index] = type;
          pending[2 * index + 1] = value;
          frame.n = finallyLoc!;
          frame.method = NEXT;
          return CONTINUE;
        }
      }
    }
  }
  if (type > THROW) return CONTINUE;
  complete(frame);
  throw value;
}

function finishFinally(frame: Frame, index: number, entry: TryEntry): void {
  const pending = frame.pending;
  const saved = pending === null ? undefined : (pending[2 * index] as number | undefined);
  if (saved) {
    frame.method = saved;
    frame.arg = pending![2 * index + 1];
    pending![2 * index] = pending![2 * index + 1] = undefined;
    if (pending!.every((slot) => slot === undefined)) frame.pending = null;
  } else {
    frame.method = JUMP;
    frame.arg = entry[3];
  }
}

/** A frame that stops at a yield (its own or a delegate's) has consumed what it received: the
 * sent value, the caught exception, the delegate's result are read only at the location right
 * after a resumption, and the next resumption sets them again. Dropping them keeps a value the
 * program no longer holds out of the frame (and out of a checkpoint). */
function suspend(frame: Frame): void {
  frame.state = SUSPENDED;
  frame.v = undefined;
  frame.arg = undefined;
}

/** A finished frame keeps nothing alive. */
function complete(frame: Frame): void {
  frame.state = COMPLETED;
  frame.l = EMPTY_LOCALS;
  frame.self = undefined;
  frame.v = undefined;
  frame.delegate = null;
  frame.delegateNext = undefined;
  frame.pending = null;
}
const EMPTY_LOCALS: Locals = Object.freeze(Object.create(null));

// ---------------------------------------------------------------------------------------------
// Resume hook: called with the frame about to continue after a suspension (torture mode).

let resumeHook: ((frame: Frame) => void) | null = null;

/** Installs (or, with null, removes) the function called before a suspended frame continues. */
export function setResumeHook(hook: ((frame: Frame) => void) | null): void {
  resumeHook = hook;
}

// ---------------------------------------------------------------------------------------------
// Running one frame.

/** `run` returns this when the frame's delegate is a suspended compiled generator: the driver
 * continues in `descendTo` instead of recursing into it. */
const DESCEND = Symbol("descend");
let descendTo: Frame | null = null;
/** Whether the result `run` last returned ends its frame (read here, not from the result object:
 * a delegate's result object is passed through untouched, its `done` read once). */
let runDone = false;

/** Runs `frame` with a completion until it yields, finishes, or needs to descend. Throws when the
 * frame finishes by throwing. */
function run(frame: Frame, type: number, arg: unknown): IteratorResult<unknown> | typeof DESCEND {
  if (frame.state === COMPLETED) {
    if (type === THROW) throw arg;
    runDone = true;
    return { value: type === RETURN ? arg : undefined, done: true };
  }
  if (resumeHook !== null && frame.state === SUSPENDED) resumeHook(frame);
  frame.method = type;
  frame.arg = arg;
  for (;;) {
    const delegate = frame.delegate;
    if (delegate === null) {
      if (frame.method === NEXT) frame.v = frame.arg;
      else {
        if (frame.method > THROW) frame.n = frame.method === RETURN ? -1 : (frame.arg as number);
        dispatch(frame, frame.method, frame.arg);
      }
    }
    frame.state = EXECUTING;
    try {
      if (delegate !== null) {
        const child = (delegate as { [FRAME]?: Frame })[FRAME];
        if (child !== undefined && (child.state === START || child.state === SUSPENDED)) {
          adopt(frame, child);
          descendTo = child;
          return DESCEND;
        }
        const result = stepDelegate(frame, delegate);
        if (result !== undefined) {
          suspend(frame);
          runDone = false;
          return result;
        }
        continue;
      }
      if (frame.n < 0) {
        const value = frame.arg;
        complete(frame);
        runDone = true;
        return { value, done: true };
      }
      const value = frame.body.call(frame.self, frame, frame.l);
      if (value !== CONTINUE) {
        suspend(frame);
        runDone = false;
        return { value, done: false };
      }
    } catch (error) {
      frame.delegate = null;
      frame.delegateNext = undefined;
      frame.method = THROW;
      frame.arg = error;
    }
  }
}

/** Makes `frame` the driver of `child`, unless `child` is running (then resuming it throws). */
function adopt(frame: Frame, child: Frame): void {
  const owner = child[PARENT];
  if (owner !== null && owner !== frame) {
    const root = chainRoot(child);
    if (root.state === EXECUTING) throw new TypeError("Generator is already running");
    root[TIP] = null;
  }
  child[PARENT] = frame;
  child[TIP] = null;
}

function chainRoot(frame: Frame): Frame {
  let root = frame;
  while (root[PARENT] !== null) root = root[PARENT]!;
  return root;
}

const METHOD_NAMES = ["next", "throw", "return"] as const;

/** One step of `yield*` over an iterator that is not a suspended compiled generator. Returns the
 * iterator's result to yield, or undefined once the delegation is over (frame.method/arg then
 * hold the completion to continue with). */
function stepDelegate(frame: Frame, delegate: object): IteratorResult<unknown> | undefined {
  const type = frame.method;
  const method = type === NEXT ? frame.delegateNext : (delegate as Record<string, unknown>)[METHOD_NAMES[type as 1 | 2]];
  if (method !== undefined && method !== null) {
    const result = (method as Function).call(delegate, frame.arg);
    if (!isObject(result)) throw new TypeError(`Iterator result ${String(result)} is not an object`);
    if (!result.done) return result;
    frame.arg = result.value;
    if (type < RETURN) frame.method = NEXT;
  } else if (type !== RETURN) {
    if (type === THROW) {
      // The spec closes the iterator first (IteratorClose), then reports the missing method.
      const close = (delegate as Record<string, unknown>).return;
      if (close !== undefined && close !== null) {
        const closed = (close as Function).call(delegate);
        if (!isObject(closed)) throw new TypeError(`Iterator result ${String(closed)} is not an object`);
      }
    }
    frame.method = THROW;
    frame.arg = new TypeError(`The iterator does not provide a '${METHOD_NAMES[type as 0 | 1]}' method.`);
  }
  frame.delegate = null;
  frame.delegateNext = undefined;
  return undefined;
}

function isObject(value: unknown): value is IteratorResult<unknown> {
  return (typeof value === "object" && value !== null) || typeof value === "function";
}

// ---------------------------------------------------------------------------------------------
// Driving a chain of frames.

/** Resumes `start` (and whatever it delegates to) with a completion. */
function drive(start: Frame, type: number, arg: unknown): IteratorResult<unknown> {
  let frame = start;
  // Frames entered through DESCEND during this call sit at the bottom of the chain; the frames
  // above them received the caller's completion type unchanged.
  const callerType = type;
  let descended = 0;
  const tip = start[TIP];
  if (tip !== null) {
    start[TIP] = null;
    start.state = EXECUTING;
    frame = tip;
  }
  for (;;) {
    let result: IteratorResult<unknown> | typeof DESCEND;
    try {
      result = run(frame, type, arg);
    } catch (error) {
      if (frame === start) {
        start[PARENT] = null;
        throw error;
      }
      frame = popTo(frame);
      if (descended > 0) descended--;
      type = THROW;
      arg = error;
      continue;
    }
    if (result === DESCEND) {
      type = frame.method;
      arg = frame.arg;
      // (The frame's method stays: its delegate's result is forwarded by it.)
      frame.v = frame.arg = undefined;
      if (frame !== start) frame.state = SUSPENDED;
      frame = descendTo!;
      descendTo = null;
      descended++;
      continue;
    }
    if (frame === start) {
      if (runDone) start[PARENT] = null;
      return result;
    }
    if (!runDone) {
      start[TIP] = frame;
      start.state = SUSPENDED;
      return result;
    }
    frame = popTo(frame);
    const forwarded = descended > 0 ? (descended--, frame.method) : callerType;
    type = forwarded === RETURN ? RETURN : NEXT;
    arg = result.value;
  }
}

/** Leaves a finished child for the frame that delegated to it. */
function popTo(child: Frame): Frame {
  const parent = child[PARENT]!;
  child[PARENT] = null;
  parent.delegate = null;
  parent.delegateNext = undefined;
  return parent;
}

/** `frame` (suspended, driving no chain, no resume hook) has just started a `yield*`: while the
 * delegate is not a compiled generator, step it and continue the body here — what `run` does,
 * without its general loop. That is a tasklet switching on an op: `yield* ch.send(v)` completes
 * at once or parks. Anything else (a compiled delegate, an error, a return) goes to `drive`. */
function delegating(frame: Frame): IteratorResult<unknown> {
  for (;;) {
    const delegate = frame.delegate!;
    if ((delegate as { [FRAME]?: Frame })[FRAME] !== undefined) return drive(frame, frame.method, frame.arg);
    frame.state = EXECUTING;
    let value: unknown;
    try {
      const result = (frame.delegateNext as Function).call(delegate, undefined);
      if (!isObject(result)) throw new TypeError(`Iterator result ${String(result)} is not an object`);
      if (!result.done) {
        suspend(frame);
        return result;
      }
      value = result.value;
    } catch (error) {
      frame.delegate = null;
      frame.delegateNext = undefined;
      frame.state = SUSPENDED;
      return drive(frame, THROW, error);
    }
    frame.delegate = null;
    frame.delegateNext = undefined;
    frame.arg = value;
    frame.v = value;
    let next: unknown;
    try {
      next = frame.body.call(frame.self, frame, frame.l);
    } catch (error) {
      frame.state = SUSPENDED;
      return drive(frame, THROW, error);
    }
    if (next !== CONTINUE) {
      suspend(frame);
      return { value: next, done: false };
    }
    frame.state = SUSPENDED;
    if (frame.delegate === null) return drive(frame, frame.method, frame.arg);
  }
}

function resume(frame: Frame, type: number, arg: unknown): IteratorResult<unknown> {
  if (type !== NEXT || frame.state !== SUSPENDED || frame.delegate !== null || frame[TIP] !== null ||
      frame[PARENT] !== null || resumeHook !== null) {
    return resumeGeneral(frame, type, arg);
  }
  // The common case, kept tight (the rest is in other functions, so that callers can inline
  // this one): the body continues with the sent value and yields again.
  frame.method = NEXT;
  frame.arg = arg;
  frame.v = arg;
  frame.state = EXECUTING;
  let value: unknown;
  try {
    value = frame.body.call(frame.self, frame, frame.l);
  } catch (error) {
    // Dispatched as the general loop would: to the body's own catch and finally blocks.
    frame.state = SUSPENDED;
    return drive(frame, THROW, error);
  }
  if (value !== CONTINUE) {
    suspend(frame);
    return { value, done: false };
  }
  frame.state = SUSPENDED;
  // A return, a jump through finally, or the start of a yield*: the general loop takes over,
  // except for a yield* over a plain iterator (a tasklet's op), which is stepped here.
  return frame.delegate !== null ? delegating(frame) : drive(frame, frame.method, frame.arg);
}

/** `generator.next(value)` of a compiled generator, for callers that know it is one (the
 * scheduler): a direct call, whatever other generators the call site sees. */
export function resumeNext(generator: object, value: unknown): IteratorResult<unknown> {
  const frame = (generator as { [FRAME]?: Frame })[FRAME];
  return frame === undefined ? nativeNext.call(generator, value) : resume(frame, NEXT, value);
}

/** Every resumption but a plain `next` of a suspended frame. */
function resumeGeneral(frame: Frame, type: number, arg: unknown): IteratorResult<unknown> {
  if (frame.state === EXECUTING) throw new TypeError("Generator is already running");
  if (frame[PARENT] !== null && frame.state !== COMPLETED) {
    // Resumed directly while another generator delegates to it: legal unless that chain runs.
    const root = chainRoot(frame);
    if (root.state === EXECUTING) throw new TypeError("Generator is already running");
    root[TIP] = null;
  }
  return drive(frame, type, arg);
}

// ---------------------------------------------------------------------------------------------
// Generator functions and objects with the reflective surface of native ones.

const GeneratorFunctionPrototype = Object.getPrototypeOf(function* () {}) as object;
/** %GeneratorPrototype%: the prototype of every generator function's `prototype`, native or
 * compiled, as natively. Its `next`/`return`/`throw` are replaced (once per runtime instance) by
 * methods that drive a compiled generator's frame and hand any other receiver to the native
 * method they replaced, so native generators behave as before (each of their steps costs one more
 * call and a property lookup that misses). */
export const GeneratorPrototype = (GeneratorFunctionPrototype as { prototype: object }).prototype;
type GeneratorMethod = (this: unknown, value?: unknown) => IteratorResult<unknown>;
const nativeNext = (GeneratorPrototype as Record<string, GeneratorMethod>).next!;
const nativeReturn = (GeneratorPrototype as Record<string, GeneratorMethod>).return!;
const nativeThrow = (GeneratorPrototype as Record<string, GeneratorMethod>).throw!;
// Method definitions: like the native ones, they are not constructors. Each reads the frame once
// (as the compiled path did before) and calls its own native method, a constant target V8 calls
// directly, for any other receiver.
const generatorMethods = {
  next(value?: unknown): IteratorResult<unknown> {
    const frame = (this as { [FRAME]?: Frame } | null | undefined)?.[FRAME];
    return frame === undefined ? nativeNext.call(this, value) : resume(frame, NEXT, value);
  },
  return(value?: unknown): IteratorResult<unknown> {
    const frame = (this as { [FRAME]?: Frame } | null | undefined)?.[FRAME];
    return frame === undefined ? nativeReturn.call(this, value) : resume(frame, RETURN, value);
  },
  throw(exception?: unknown): IteratorResult<unknown> {
    const frame = (this as { [FRAME]?: Frame } | null | undefined)?.[FRAME];
    return frame === undefined ? nativeThrow.call(this, exception) : resume(frame, THROW, exception);
  },
};
for (const name of ["next", "return", "throw"] as const) {
  Object.defineProperty(GeneratorPrototype, name, { value: generatorMethods[name], writable: true, enumerable: false, configurable: true });
}
/** The methods installed on %GeneratorPrototype% (their source text reads as native). */
export const generatorPrototypeMethods: readonly Function[] = Object.values(generatorMethods);

/** Kind argument of `mark` and `gen` for a compiled async function (its body is a generator that
 * yields what it awaits; a call returns the task `startAsync` makes). */
export const ASYNC_KIND = 1;
const AsyncFunctionPrototype = Object.getPrototypeOf(async function () {}) as object;
let startAsync: ((generator: Generator) => unknown) | null = null;

/** Installs what a compiled async function's call does with its new body (see async/task.ts). */
export function setAsyncStart(start: (generator: Generator) => unknown): void {
  startAsync = start;
}

/** Gives a compiled generator function the prototype chain of a native one (and, for a function
 * the compiler had to name, the `name` a native one would have had); with ASYNC_KIND, of a native
 * async function. */
export function mark<F extends Function>(fn: F, name?: string, kind?: number): F {
  if ((fn as { [MARKED]?: boolean })[MARKED] === true) return fn;
  if (name !== undefined) Object.defineProperty(fn, "name", { value: name, configurable: true });
  if (kind === ASYNC_KIND) {
    if (Object.getPrototypeOf(fn) !== AsyncFunctionPrototype) {
      Object.setPrototypeOf(fn, AsyncFunctionPrototype);
      // An async function has no prototype; a plain function's cannot be deleted, only emptied.
      if (Object.prototype.hasOwnProperty.call(fn, "prototype")) (fn as { prototype?: unknown }).prototype = undefined;
    }
    return fn;
  }
  Object.setPrototypeOf(fn, GeneratorFunctionPrototype);
  Object.defineProperty(fn, "prototype", {
    value: Object.create(GeneratorPrototype),
    writable: true,
    enumerable: false,
    configurable: false,
  });
  Object.defineProperty(fn, MARKED, { value: true });
  return fn;
}

/** What a compiled generator function's call does: a new generator suspended at its start. */
export function gen(
  body: Body,
  fn: Function,
  self: unknown,
  locals: Locals,
  tries: readonly TryEntry[] | null,
  kind?: number,
): Generator {
  if (kind === ASYNC_KIND) return startAsync!(shell(GeneratorPrototype, new Frame(body, fn, self, locals, tries))) as Generator;
  if ((fn as { [MARKED]?: boolean })[MARKED] !== true) mark(fn);
  const proto = (fn as { prototype?: unknown }).prototype;
  return shell(typeof proto === "object" && proto !== null ? proto : GeneratorPrototype, new Frame(body, fn, self, locals, tries));
}

/** A generator object with prototype `proto` over `frame`. */
export function shell(proto: object, frame: Frame): Generator {
  const generator = Object.create(proto);
  generator[FRAME] = frame;
  return generator;
}

export function isCompiledGenerator(value: unknown): boolean {
  return (
    typeof value === "object" && value !== null && (value as { [FRAME]?: unknown })[FRAME] !== undefined
  );
}

export function isCompiledGeneratorFunction(value: unknown): boolean {
  return typeof value === "function" && (value as { [MARKED]?: boolean })[MARKED] === true;
}

/** A frame's data fields, in the order snapshots write them. Everything else on a frame is a
 * cache (symbol-keyed) that a decoded frame rebuilds by itself. */
export const FRAME_FIELDS = [
  "body", "fn", "self", "l", "tries", "n", "p", "v", "state", "method", "arg", "delegate", "delegateNext", "pending",
] as const;

/** A frame to be filled with decoded fields (see FRAME_FIELDS). */
export function emptyFrame(): Frame {
  return new Frame(null as unknown as Body, null as unknown as Function, undefined, EMPTY_LOCALS, null);
}

/** Makes `generator` (an object made with the right prototype) the shell of `frame`. */
export function attachFrame(generator: object, frame: Frame): void {
  (generator as { [FRAME]?: Frame })[FRAME] = frame;
}

/** The frame of a compiled generator object. */
export function frameOf(generator: object): Frame | undefined {
  return (generator as { [FRAME]?: Frame })[FRAME];
}

/** The frame stack of a generator: the generator's own frame first, innermost delegate last. */
export function frameStack(generator: object): Frame[] {
  const stack: Frame[] = [];
  let frame = frameOf(generator);
  while (frame !== undefined) {
    stack.push(frame);
    const delegate = frame.delegate;
    frame = delegate === null ? undefined : frameOf(delegate);
  }
  return stack;
}
