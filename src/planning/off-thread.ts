/**
 * The planner off the event loop. HiGHS runs synchronously inside its WASM
 * module: a planning round or a public `/rounds/:id/verify` solved on the main
 * thread would stop the node answering HTTP and its inbox for as long as the
 * solve takes (seconds on a large network view). A server therefore solves in
 * one worker thread, started on first use and stopped after a minute idle so
 * an idle node does not keep HiGHS's memory. The CLI and the tests of the
 * planner itself call `solve` directly.
 */
import { Worker } from "node:worker_threads";
import type { Plan, Problem } from "./types.js";
import { workerEntry } from "./worker-entry.js";

const IDLE_MS = 60_000;

interface Pending {
  readonly resolve: (plan: Plan) => void;
  readonly reject: (err: Error) => void;
}

let worker: Worker | null = null;
let nextId = 1;
const pending = new Map<number, Pending>();
let idleTimer: NodeJS.Timeout | undefined;

/** Solves `problem` (already validated) in the planner thread; same result as `solve`. */
export function solveOffThread(problem: Problem): Promise<Plan> {
  const w = worker ?? start();
  clearTimeout(idleTimer);
  const id = nextId++;
  return new Promise<Plan>((resolve, reject) => {
    pending.set(id, { resolve, reject });
    // Someone waits for this solve: the thread keeps the process alive until it answers.
    w.ref();
    w.postMessage({ id, problem });
  });
}

/** Stops the planner thread now; solves still waiting fail. (Nodes need not call it: an idle thread keeps no process alive and stops after a minute.) */
export async function stopPlannerThread(): Promise<void> {
  clearTimeout(idleTimer);
  const w = worker;
  worker = null;
  if (w) await w.terminate();
}

function start(): Worker {
  const w = new Worker(...workerEntry("solve-worker"));
  w.on("message", (m: { id: number; plan?: Plan; error?: string }) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.error !== undefined) p.reject(new Error(`planner failed: ${m.error}`));
    else p.resolve(m.plan!);
    if (pending.size === 0) {
      w.unref();
      idleTimer = setTimeout(() => void stopIdle(w), IDLE_MS).unref();
    }
  });
  // A crash (say, HiGHS's WASM heap exhausted) fails what was waiting; the next solve starts a fresh thread.
  const fail = (err: Error) => {
    if (worker === w) worker = null;
    for (const [id, p] of pending) {
      pending.delete(id);
      p.reject(err);
    }
  };
  w.on("error", (err) => fail(new Error(`planner thread crashed: ${err.message}`)));
  w.on("exit", (code) => fail(new Error(`planner thread exited (code ${code})`)));
  // An idle thread never keeps the process alive (refs are taken per solve).
  // After the listeners: attaching one refs the port again.
  w.unref();
  worker = w;
  return w;
}

async function stopIdle(w: Worker): Promise<void> {
  if (worker !== w || pending.size > 0) return;
  worker = null;
  await w.terminate();
}
