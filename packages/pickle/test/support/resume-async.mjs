// Fresh-process half of async-checkpoints.test.ts: for each snapshot file named on stdin (one JSON
// list), loads it, makes its job queue the live one, runs the program to quiescence and prints
// the log it carried plus what followed (one JSON line per snapshot).
import { readFileSync } from "node:fs";
import { loads } from "@spickle/pickle";
import { adoptAsyncQueue } from "@spickle/runtime";

const describeValue = (value) => {
  if (value instanceof Error) return { error: value.constructor.name, message: value.message };
  if (value instanceof Promise) return "<promise>";
  if (typeof value === "function") return `<function ${value.name}>`;
  return value;
};
const turn = () => new Promise((resolve) => setImmediate(resolve));
let log = [];
process.on("unhandledRejection", (reason) => log.push(["unhandled", describeValue(reason)]));
process.on("rejectionHandled", () => log.push(["handled late"]));

const files = JSON.parse(readFileSync(0, "utf8"));
for (const file of files) {
  const copy = loads(readFileSync(file));
  log = copy.log;
  adoptAsyncQueue(copy.queue);
  await new Promise((done) => {
    copy.root.then(
      (value) => { log.push(["resolved", describeValue(value)]); done(); },
      (error) => { log.push(["rejected", describeValue(error)]); done(); },
    );
  });
  for (let i = 0; i < 3; i++) await turn();
  process.stdout.write(`${JSON.stringify({ file, log })}\n`);
}
