import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";
import { compile } from "@spickle/transform";
import { runDeleteAndResume } from "./cli-support.js";

const spickle = fileURLToPath(new URL("..", import.meta.url));
const PACKAGES = ["decimal.js", "zod", "immutable", "date-fns", "lodash", "lodash-es", "eventemitter3", "p-queue", "uuid", "ms", "yaml", "luxon"];

/** A folder whose node_modules holds spickle and the test packages (symlinks). */
function folderWithPackages(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  mkdirSync(join(dir, "node_modules", "@spickle"), { recursive: true });
  symlinkSync(spickle, join(dir, "node_modules", "spickle"));
  symlinkSync(join(spickle, "../runtime"), join(dir, "node_modules", "@spickle", "runtime"));
  for (const name of PACKAGES) symlinkSync(join(spickle, "node_modules", name), join(dir, "node_modules", name));
  writeFileSync(join(dir, "package.json"), '{ "type": "module" }');
  return dir;
}

test("values of npm packages in module state and locals survive a checkpoint and a resume elsewhere", () => {
  const project = folderWithPackages("spickle-project-");
  const elsewhere = folderWithPackages("spickle-elsewhere-");
  const checkpoint = join(elsewhere, "job.checkpoint");
  try {
    const source = `
      import { type CheckpointSupport } from "spickle";
      import Decimal from "decimal.js";
      import { z } from "zod";
      import { Map as IMap, List } from "immutable";
      import _ from "lodash";
      import { chunk } from "lodash-es";
      import EventEmitter from "eventemitter3";
      const User = z.object({ name: z.string().min(2) });
      const price = new Decimal("1.10");
      export default function* main(cp: CheckpointSupport) {
        const m = IMap({ a: 1, b: List([1, 2]) });
        const ee = new EventEmitter();
        const c = _.chunk;
        const at = yield* cp.checkpoint();
        if (!at.resumed) return "stopped";
        return JSON.stringify([price.plus("2.2").toString(), User.safeParse({ name: "x" }).success, User.parse({ name: "xy" }).name,
          m.get("b").push(3).toJS(), c([1, 2, 3], 2), chunk([1, 2, 3], 1), ee.listenerCount("x"), c === _.chunk]);
      }`;
    writeFileSync(join(project, "job.mjs"), compile(source, { filename: join(project, "job.ts"), moduleId: "job.ts" }).code);
    const output = runDeleteAndResume(project, checkpoint, elsewhere);
    expect(JSON.parse(output)).toEqual(["3.3", false, "xy", [1, 2, 3], [[1, 2], [3]], [[1], [2], [3]], 0, true]);
  } finally {
    rmSync(project, { recursive: true, force: true });
    rmSync(elsewhere, { recursive: true, force: true });
  }
});

function resumeIn(folder: string, checkpoint: string): string {
  const resume = `
      const { resumeCheckpoint } = await import(${JSON.stringify(join(spickle, "dist/index.js"))});
      console.log(await resumeCheckpoint(${JSON.stringify(checkpoint)}));`;
  const env = { ...process.env };
  delete env.NODE_PATH;
  return execFileSync(process.execPath, ["--input-type=module", "-e", resume], { cwd: folder, env, encoding: "utf8" }).trim();
}

test("a reducer registered at a module's top level is in effect again after a resume: the next checkpoint works", () => {
  const project = folderWithPackages("spickle-project-");
  const elsewhere = folderWithPackages("spickle-elsewhere-");
  const checkpoint = join(elsewhere, "job.checkpoint");
  try {
    const source = `
      import { type CheckpointSupport, registerReducer } from "spickle";
      // A WeakMap cannot be written: only the reducer can write a Handle.
      class Handle {
        readonly cache = new WeakMap<object, number>();
        constructor(readonly id: number) {}
      }
      registerReducer(Handle, { reduce: (h: Handle) => h.id, restore: (id: number) => new Handle(id) });
      export default function* main(cp: CheckpointSupport) {
        const first = yield* cp.checkpoint();
        if (!first.resumed) return "stopped";
        // Made after the resume: only the registration can write it.
        const handle = new Handle(7);
        const second = yield* cp.checkpoint();
        if (!second.resumed) return "checkpointed again";
        return "handle " + handle.id;
      }`;
    writeFileSync(join(project, "job.mjs"), compile(source, { filename: join(project, "job.ts"), moduleId: "job.ts" }).code);
    expect(runDeleteAndResume(project, checkpoint, elsewhere)).toBe("checkpointed again");
    expect(resumeIn(elsewhere, checkpoint)).toBe("handle 7");
  } finally {
    rmSync(project, { recursive: true, force: true });
    rmSync(elsewhere, { recursive: true, force: true });
  }
});

test("a battery of package values, in module state and in locals, equal and working after a resume elsewhere", () => {
  const project = folderWithPackages("spickle-project-");
  const elsewhere = folderWithPackages("spickle-elsewhere-");
  const checkpoint = join(elsewhere, "job.checkpoint");
  try {
    const source = `
      import { type CheckpointSupport } from "spickle";
      import Decimal from "decimal.js";
      import { z } from "zod";
      import * as I from "immutable";
      import _ from "lodash";
      import * as les from "lodash-es";
      import EventEmitter from "eventemitter3";
      import * as dfns from "date-fns";
      import { v4, validate, NIL } from "uuid";
      import ms from "ms";
      import YAML from "yaml";
      import { Settings, Info } from "luxon";
      import * as path from "node:path";
      import * as util from "node:util";
      import { createHash } from "node:crypto";
      import { readFileSync } from "node:fs";
      import { format as urlFormat } from "node:url";
      import { EventEmitter as NodeEmitter } from "node:events";
      import { inspect } from "node:util";
      import { gzipSync, gunzipSync } from "node:zlib";
      import { hostname } from "node:os";
      import { Buffer } from "node:buffer";
      import { setTimeout as sleep } from "node:timers/promises";
      import { parse as qsParse } from "node:querystring";
      import { StringDecoder } from "node:string_decoder";
      const moduleState = {
        decimal: new Decimal("0.1"), schema: z.object({ id: z.string().uuid(), tags: z.array(z.string()).max(2) }),
        list: I.List([1, 2, 3]), map: I.Map({ k: I.Set([1]) }), ordered: I.OrderedMap([["b", 1], ["a", 2]]), stack: I.Stack([1, 2]),
        chunk: _.chunk, lodash: _, les, add: dfns.addDays, dfns, v4, ms, yaml: YAML.parse, info: Info, settings: Settings,
        emitter: new EventEmitter(), join: path.join, posixJoin: path.posix.join, pathNs: path, hash: createHash, read: readFileSync,
        urlFormat, NodeEmitter, inspect, gzipSync, gunzipSync, hostname, qsParse, sleep, StringDecoder, isDeepStrictEqual: util.isDeepStrictEqual,
        enumSchema: z.enum(["a", "b"]), union: z.union([z.number(), z.literal("x")]),
      };
      // Many exports, each checked to be the resumed program's own after the resume.
      const LODASH = ["map", "filter", "reduce", "groupBy", "keyBy", "sortBy", "uniq", "flatten", "flattenDeep", "zip", "unzip", "pick", "omit",
        "merge", "cloneDeep", "isEqual", "debounce", "throttle", "memoize", "range", "sum", "mean", "max", "min", "capitalize", "kebabCase",
        "snakeCase", "startCase", "padStart", "trim", "get", "set", "has", "times", "partition", "difference", "intersection", "union"];
      const DATE_FNS = ["addMonths", "subDays", "differenceInDays", "isBefore", "isAfter", "startOfDay", "endOfMonth", "formatISO", "getYear",
        "isValid", "max", "min", "compareAsc", "eachDayOfInterval", "isWeekend"];
      const NODE = [[path, "resolve"], [path, "relative"], [path, "extname"], [util, "format"], [util, "promisify"], [util, "deprecate"]] as const;
      const exportsHeld = new Map<string, unknown>([
        ...LODASH.map((n) => ["lodash." + n, (_ as unknown as Record<string, unknown>)[n]] as [string, unknown]),
        ...LODASH.slice(0, 15).map((n) => ["lodash-es." + n, (les as unknown as Record<string, unknown>)[n]] as [string, unknown]),
        ...DATE_FNS.map((n) => ["date-fns." + n, (dfns as unknown as Record<string, unknown>)[n]] as [string, unknown]),
        ...NODE.map(([m, n]) => ["node." + n, (m as unknown as Record<string, unknown>)[n]] as [string, unknown]),
      ]);
      export default function* main(cp: CheckpointSupport) {
        const locals = { ...moduleState, decimal2: new Decimal(2).pow(64), set: I.Set(["x"]), camel: _.camelCase, debounce: les.debounce,
          parseISO: dfns.parseISO, validate, NIL, stringify: YAML.stringify, tuple: z.tuple([z.string(), z.number()]) };
        const exportsLocal = new Map(exportsHeld);
        const at = yield* cp.checkpoint();
        if (!at.resumed) return "stopped";
        const results: unknown[] = [];
        for (const s of [moduleState, locals]) {
          results.push(
            s.decimal.times(3).toString(), s.schema.safeParse({ id: s.v4(), tags: ["a"] }).success, s.schema.safeParse({ id: "no", tags: [] }).success,
            s.schema.safeParse({ id: s.v4(), tags: ["a", "b", "c"] }).success, s.list.push(4).toArray(), s.map.getIn(["k"]).has(1),
            [...s.ordered.keys()], s.stack.peek(), s.chunk([1, 2, 3], 2), s.lodash.sum([1, 2]), s.les.uniq([1, 1, 2]),
            s.add(new Date(0), 1).toISOString(), s.dfns.format(new Date(86400000), "yyyy-MM-dd", {}), s.ms("2h"), s.yaml("a: 1"),
            typeof s.info.features, s.settings === Settings, s.emitter.emit("ping"), s.join("a", "b"), s.posixJoin("c", "d"),
            s.pathNs.basename("/x/y.ts"), s.hash("sha256").update("x").digest("hex").slice(0, 8), s.read === readFileSync,
            s.urlFormat({ protocol: "http", host: "h" }), new s.NodeEmitter().listenerCount("x"), s.inspect(1), s.gunzipSync(s.gzipSync("z")).toString(),
            typeof s.hostname(), s.qsParse("a=1").a, s.sleep === sleep, new s.StringDecoder("utf8").write(Buffer.from("é")), s.isDeepStrictEqual([1], [1]),
            s.enumSchema.parse("a"), s.union.safeParse("y").success,
          );
        }
        const sources: Record<string, unknown> = { lodash: _, "lodash-es": les, "date-fns": dfns, node: { ...path, ...util } };
        const differing = [...exportsHeld, ...exportsLocal].filter(([key, value]) => {
          const dot = key.lastIndexOf(".");
          return (sources[key.slice(0, dot)] as Record<string, unknown>)[key.slice(dot + 1)] !== value || value === undefined;
        }).map(([key]) => key);
        results.push(exportsHeld.size + exportsLocal.size, differing, (exportsHeld.get("lodash.kebabCase") as (s: string) => string)("a b"));
        results.push(locals.decimal2.toFixed(), locals.set.has("x"), locals.camel("a b"), typeof locals.debounce(() => 1, 5), locals.parseISO("2020-01-02").getUTCDate(),
          locals.validate(locals.NIL), locals.stringify({ a: 1 }), locals.tuple.safeParse(["a", 1]).success, locals.tuple.safeParse([1, "a"]).success);
        return JSON.stringify(results);
      }`;
    writeFileSync(join(project, "job.mjs"), compile(source, { filename: join(project, "job.ts"), moduleId: "job.ts" }).code);
    const output = JSON.parse(runDeleteAndResume(project, checkpoint, elsewhere)) as unknown[];
    const each = ["0.3", true, false, false, [1, 2, 3, 4], true, ["b", "a"], 1, [[1, 2], [3]], 3, [1, 2], "1970-01-02T00:00:00.000Z", "1970-01-02", 7200000,
      { a: 1 }, "function", true, false, "a/b", "c/d", "y.ts", "2d711642", true, "http://h", 0, "1", "z", "string", "1", true, "é", true, "a", false];
    expect(output).toEqual([...each, ...each, 148, [], "a-b", "18446744073709551616", true, "aB", "function", 2, true, "a: 1\n", true, false]);
  } finally {
    rmSync(project, { recursive: true, force: true });
    rmSync(elsewhere, { recursive: true, force: true });
  }
});

test("package objects whose state cannot be read are refused when the checkpoint is written, naming the package and advising a reducer", () => {
  const project = folderWithPackages("spickle-project-");
  try {
    const source = `
      import PQueue from "p-queue";
      import EventEmitter from "eventemitter3";
      import { runCheckpointable, type CheckpointSupport } from "spickle";
      function* attempt(cp: CheckpointSupport, value: unknown) {
        try {
          yield* cp.checkpoint(${JSON.stringify(join(project, "ck"))});
          return "written";
        } catch (error) {
          return (error as Error).message;
        }
      }
      export default function* main(cp: CheckpointSupport) {
        const queue = yield* attempt(cp, new PQueue());
        const emitter = new EventEmitter();
        emitter.on("x", () => 1);
        return JSON.stringify([queue, yield* attempt(cp, emitter)]);
      }`;
    writeFileSync(join(project, "job.mjs"), compile(source, { filename: join(project, "job.ts"), moduleId: "job.ts" }).code);
    const run = `
      const { runCheckpointable } = await import("spickle");
      const { default: main } = await import(${JSON.stringify(join(project, "job.mjs"))});
      console.log(await runCheckpointable(main));`;
    const [queue, emitter] = JSON.parse(execFileSync(process.execPath, ["--input-type=module", "-e", run], { cwd: project, encoding: "utf8" })) as string[];
    expect(queue).toMatch(/cannot serialize PQueue at .*value: instances of PQueue \(package p-queue\) keep state in native #private fields, which cannot be read: register a reducer for it \(registerReducer\)/);
    expect(emitter).toMatch(/cannot serialize EE at .*_events\.x: its class is not exported by any module the program loaded, and no handler or reducer claims it \(register a reducer for it with registerReducer\)/);
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
});

test("package values through dumps, and loads in a fresh process elsewhere after preparePackages", () => {
  const project = folderWithPackages("spickle-project-");
  const elsewhere = folderWithPackages("spickle-elsewhere-");
  try {
    const source = `
      import Decimal from "decimal.js";
      import { z } from "zod";
      import { List, Map as IMap } from "immutable";
      import _ from "lodash";
      import { addDays } from "date-fns";
      import ms from "ms";
      import * as path from "node:path";
      const schema = z.object({ n: z.number().int().positive() });
      export const values = { d: new Decimal("1.5"), schema, list: List([1]), map: IMap({ a: List([2]) }), chunk: _.chunk, addDays, ms, join: path.join,
        check(v: typeof values) {
          return [v.d.plus(1).toString(), v.schema.safeParse({ n: 2 }).success, v.schema.safeParse({ n: -1 }).success, v.list.push(2).toArray(),
            v.map.getIn(["a", 0]), v.chunk([1, 2, 3], 2), v.addDays(new Date(0), 2).getUTCDate(), v.ms("1s"), v.join("p", "q")];
        } };`;
    writeFileSync(join(project, "values.mjs"), compile(source, { filename: join(project, "values.ts"), moduleId: "values.ts" }).code);
    const file = join(elsewhere, "values.snapshot");
    const write = `
      const { dumps } = await import("@spickle/pickle");
      const { writeFileSync } = await import("node:fs");
      const { values } = await import(${JSON.stringify(join(project, "values.mjs"))});
      writeFileSync(${JSON.stringify(file)}, dumps(values));`;
    const pickleDir = join(spickle, "../pickle");
    symlinkSync(pickleDir, join(project, "node_modules", "@spickle", "pickle"));
    symlinkSync(pickleDir, join(elsewhere, "node_modules", "@spickle", "pickle"));
    const env = { ...process.env };
    delete env.NODE_PATH;
    execFileSync(process.execPath, ["--input-type=module", "-e", write], { cwd: project, env });
    rmSync(project, { recursive: true, force: true });
    const read = `
      const { loads, preparePackages, readSnapshotHeader } = await import("@spickle/pickle");
      const bytes = (await import("node:fs")).readFileSync(${JSON.stringify(file)});
      await preparePackages(readSnapshotHeader(bytes));
      const v = loads(bytes);
      console.log(JSON.stringify(v.check(v)));`;
    const output = execFileSync(process.execPath, ["--input-type=module", "-e", read], { cwd: elsewhere, env, encoding: "utf8" });
    expect(JSON.parse(output)).toEqual(["2.5", true, false, [1, 2], 2, [[1, 2], [3]], 3, 1000, "p/q"]);
  } finally {
    rmSync(project, { recursive: true, force: true });
    rmSync(elsewhere, { recursive: true, force: true });
  }
});
