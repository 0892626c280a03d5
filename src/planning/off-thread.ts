/**
 * The planner off the event loop. HiGHS runs synchronously inside its WASM
 * module: a planning round or a public `/rounds/:id/verify` solved on the main
 * thread would stop the node answering HTTP and its inbox for as long as the
 * solve takes (seconds on a large network view). A server therefore solves in
 * one worker thread, started on first use and stopped after a minute idle so
 * an idle node does not keep HiGHS's memory. A solve may be given a time
 * limit: HiGHS cannot be interrupted from outside, so past it the thread is
 * stopped (the next solve starts a fresh one). The CLI and the tests of the
 * planner itself call `solve` directly.
 */
import { Worker } from "node:worker_threads";
import type { Plan, Problem } from "./types.js";
import { workerEntry } from "./worker-entry.js";

const IDLE_MS = 60_000;

interface Pending {
  readonly resolve: (plan: Plan) => void;
  readonly reject: (err: Error) => void;
  /** The thread solving it: a stopped thread's late exit fails only its own solves. */
  readonly worker: Worker;
  readonly limitSeconds?: number;
  /** Set once the thread starts on it (the solves ahead of it answered). */
  timer?: NodeJS.Timeout;
}

/** A solve stopped at its time limit. */
export class PlannerTimeLimitError extends Error {
  constructor(readonly seconds: number) {
    super(`the planner ran longer than its time limit of ${seconds} s and was stopped`);
    this.name = "PlannerTimeLimitError";
  }
}

export interface OffThreadOptions {
  /** Seconds this solve may run, counted from when the thread starts on it (not while it waits behind others). */
  readonly timeLimitSeconds?: number;
}

let worker: Worker | null = null;
let nextId = 1;
const pending = new Map<number, Pending>();
let idleTimer: NodeJS.Timeout | undefined;

/** Solves `problem` (already validated) in the planner thread; same result as `solve`. */
export function solveOffThread(problem: Problem, options: OffThreadOptions = {}): Promise<Plan> {
  const w = worker ?? start();
  clearTimeout(idleTimer);
  const id = nextId++;
  return new Promise<Plan>((resolve, reject) => {
    pending.set(id, { resolve, reject, worker: w, limitSeconds: options.timeLimitSeconds });
    // Someone waits for this solve: the thread keeps the process alive until it answers.
    w.ref();
    w.postMessage({ id, problem });
    startClock(w);
  });
}

/**
 * The thread solves in the order solves were sent (the order of `pending`),
 * so the first solve of `w` still pending is the one running: its time
 * limit starts now, if it has not started already.
 */
function startClock(w: Worker): void {
  for (const [id, p] of pending) {
    if (p.worker !== w) continue;
    if (p.limitSeconds !== undefined && p.timer === undefined) {
      const seconds = p.limitSeconds;
      p.timer = setTimeout(() => stopOverdue(w, id, seconds), seconds * 1000);
    }
    return;
  }
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
    clearTimeout(p.timer);
    if (m.error !== undefined) p.reject(new Error(`planner failed: ${m.error}`));
    else p.resolve(m.plan!);
    startClock(w);
    if (pending.size === 0) {
      w.unref();
      idleTimer = setTimeout(() => void stopIdle(w), IDLE_MS).unref();
    }
  });
  // A crash (say, HiGHS's WASM heap exhausted) fails what was waiting; the next solve starts a fresh thread.
  const fail = (err: Error) => {
    if (worker === w) worker = null;
    for (const [id, p] of pending) {
      if (p.worker !== w) continue;
      pending.delete(id);
      clearTimeout(p.timer);
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

/**
 * Solve `id` passed its limit: it fails with PlannerTimeLimitError, the
 * solves queued behind it on the same thread fail saying why, and the thread
 * is stopped (the only way to stop HiGHS mid-solve).
 */
function stopOverdue(w: Worker, id: number, seconds: number): void {
  const overdue = pending.get(id);
  if (!overdue || worker !== w) return;
  worker = null;
  pending.delete(id);
  overdue.reject(new PlannerTimeLimitError(seconds));
  for (const [other, p] of pending) {
    if (p.worker !== w) continue;
    pending.delete(other);
    clearTimeout(p.timer);
    p.reject(new Error("planner stopped: a solve before this one ran past its time limit; try again"));
  }
  void w.terminate();
}

async function stopIdle(w: Worker): Promise<void> {
  if (worker !== w || pending.size > 0) return;
  worker = null;
  await w.terminate();
}
