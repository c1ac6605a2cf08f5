// Compiles test programs (TypeScript sources under programs/) with @spickle/transform into
// test/.gen/tasklets/ and imports them, so they run on the runtime instance the tests use.

import { compile } from "@spickle/transform";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { Scheduler, captureGraph, restoreGraph, type SchedulerOptions } from "@spickle/runtime";

const programs = new URL("./programs/", import.meta.url);
const out = new URL("../.gen/tasklets/", import.meta.url);

export async function loadProgram<T = Record<string, any>>(name: string): Promise<T> {
  mkdirSync(out, { recursive: true });
  const source = readFileSync(new URL(`${name}.ts`, programs), "utf8");
  const { code } = compile(source, { filename: `${name}.ts`, moduleId: `test/tasklets/programs/${name}.ts` });
  const file = new URL(`${name}.mjs`, out);
  const tmp = new URL(`${name}.${process.pid}.tmp`, out);
  writeFileSync(tmp, code);
  renameSync(tmp, file); // test files compiling the same program concurrently never see half a file
  return (await import(/* @vite-ignore */ file.href)) as T;
}

/** Handles for the objects the plain-data view does not copy. */
export class HandleTable {
  readonly objects: unknown[] = [];
  private readonly indexes = new Map<unknown, number>();
  external = (value: object | symbol): unknown => {
    let index = this.indexes.get(value);
    if (index === undefined) {
      index = this.objects.length;
      this.objects.push(value);
      this.indexes.set(value, index);
    }
    return { $handle: index };
  };
  resolve = (handle: unknown): unknown => this.objects[(handle as { $handle: number }).$handle];
}

/** Paused scheduler → plain data → structuredClone → a new scheduler graph. */
export function cloneScheduler(scheduler: Scheduler): { clone: Scheduler; handles: HandleTable } {
  const handles = new HandleTable();
  const data = captureGraph(scheduler, handles.external);
  const clone = restoreGraph(structuredClone(data), handles.resolve) as Scheduler;
  return { clone, handles };
}

export const quiet: SchedulerOptions = { onError: () => {} };
