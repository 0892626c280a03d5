/**
 * Entry of the planner's worker thread (see off-thread.ts): solves one
 * problem at a time, in the order they arrive, and answers each by its id.
 */
import { parentPort } from "node:worker_threads";
import { solve } from "./solve.js";
import type { Problem } from "./types.js";

interface Request {
  readonly id: number;
  readonly problem: Problem;
}

const port = parentPort;
if (!port) throw new Error("solve-worker.ts runs only as a worker thread");

// Solves are chained: HiGHS is one runtime per thread and a solve must not interleave with another.
let queue: Promise<void> = Promise.resolve();
port.on("message", (request: Request) => {
  queue = queue.then(async () => {
    try {
      port.postMessage({ id: request.id, plan: await solve(request.problem) });
    } catch (err) {
      port.postMessage({ id: request.id, error: err instanceof Error ? err.message : String(err) });
    }
  });
});
