import { readFile } from "node:fs/promises";
import { Channel, Tasklet, io, schedule } from "@spickle/runtime";

// Readers parked on real file reads, feeding one channel.
export function* reader(path: string, out: Channel<string>) {
  const text = yield* io(() => readFile(path, "utf8"));
  yield* out.send(`${path.slice(path.lastIndexOf("/") + 1)}:${text.length}:${text.split("\n")[0]}`);
}

export function* readFiles(paths: string[]) {
  const out = new Channel<string>();
  for (const path of paths) new Tasklet(reader, path, out);
  const log: string[] = [];
  for (let i = 0; i < paths.length; i++) log.push(yield* out.receive());
  log.sort();
  return log;
}

// An io error is thrown at the io call.
export function* readMissing(path: string) {
  try {
    yield* io(readFile(path, "utf8"));
    return "read?";
  } catch (e) {
    return `caught ${(e as NodeJS.ErrnoException).code}`;
  }
}

// io of a plain value completes at once; a spinner keeps running while a read is pending.
export function* ioWithSpinner(path: string) {
  const log: string[] = [];
  log.push(`plain ${yield* io(() => 42 as unknown as Promise<number>)}`);
  let done = false;
  let spins = 0;
  new Tasklet(function* spin() {
    while (!done) {
      spins++;
      yield* schedule();
    }
  });
  const text = yield* io(() => readFile(path, "utf8"));
  done = true;
  log.push(`read ${text.length} chars; spinner ran ${spins > 0 ? "meanwhile" : "never"}`);
  return log;
}
