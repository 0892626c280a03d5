/**
 * Groups solved side by side in worker threads. Groups share nothing while
 * they are solved, and each one's answer does not depend on where it was
 * solved, so the plan is the same bytes with any number of threads.
 */
import { Worker } from "node:worker_threads";
import type { BlockResult } from "./group.js";
import type { Block, Net } from "./network.js";
import type { SolveStats } from "./types.js";
import { workerEntry } from "./worker-entry.js";

export interface GroupJob {
  readonly blocks: Block[];
  readonly apart: (Float64Array | undefined)[];
}

interface Reply {
  readonly id: number;
  readonly results?: BlockResult[];
  readonly stats?: SolveStats;
  readonly error?: string;
}

export class GroupPool {
  private readonly workers: Worker[];

  constructor(size: number, net: Net) {
    this.workers = Array.from({ length: size }, () => {
      const w = new Worker(...workerEntry("group-worker"));
      w.postMessage({ kind: "net", net });
      return w;
    });
  }

  /** Solves every job, biggest first, each on the next free worker; results in job order. */
  async solveAll(jobs: readonly GroupJob[], stats: SolveStats): Promise<BlockResult[][]> {
    const out: BlockResult[][] = new Array(jobs.length);
    const size = (j: GroupJob) => j.blocks.reduce((s, b) => s + b.arcs.length, 0);
    const order = jobs.map((_, i) => i).sort((a, b) => size(jobs[b]!) - size(jobs[a]!) || a - b);
    let next = 0;
    const run = async (w: Worker): Promise<void> => {
      while (next < order.length) {
        const id = order[next++]!;
        const reply = await this.ask(w, id, jobs[id]!);
        if (reply.error !== undefined || !reply.results)
          throw new Error(`planner: ${reply.error ?? "no answer from a group worker"}`);
        out[id] = reply.results;
        for (const key of ["lpSolves", "maxFlows", "minCostFlows", "groups", "merges"] as const)
          stats[key] = (stats[key] ?? 0) + (reply.stats?.[key] ?? 0);
      }
    };
    await Promise.all(this.workers.map(run));
    return out;
  }

  close(): Promise<number[]> {
    return Promise.all(this.workers.map((w) => w.terminate()));
  }

  private ask(w: Worker, id: number, job: GroupJob): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const onMessage = (m: Reply) => {
        if (m.id !== id) return;
        done();
        resolve(m);
      };
      const onError = (err: Error) => {
        done();
        reject(new Error(`planner: a group worker crashed: ${err.message}`));
      };
      const done = () => {
        w.off("message", onMessage);
        w.off("error", onError);
      };
      w.on("message", onMessage);
      w.on("error", onError);
      w.postMessage({ kind: "group", id, blocks: job.blocks, apart: job.apart });
    });
  }
}
