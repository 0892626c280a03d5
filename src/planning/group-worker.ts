/**
 * Entry of a group-solving worker (see group-pool.ts): gets the indexed
 * problem once, then solves the groups it is sent, one at a time.
 */
import { parentPort } from "node:worker_threads";
import { solveGroup } from "./group.js";
import { getHighs } from "./highs.js";
import type { Block, Net } from "./network.js";
import type { SolveStats } from "./types.js";

type Request =
  | { readonly kind: "net"; readonly net: Net }
  | {
      readonly kind: "group";
      readonly id: number;
      readonly blocks: Block[];
      readonly apart: (Float64Array | undefined)[];
    };

const port = parentPort;
if (!port) throw new Error("group-worker.ts runs only as a worker thread");

let net: Net | undefined;
const highs = getHighs();
port.on("message", async (m: Request) => {
  if (m.kind === "net") {
    net = m.net;
    return;
  }
  try {
    const stats: SolveStats = { lpSolves: 0, maxFlows: 0, minCostFlows: 0, groups: 0, merges: 0 };
    const results = solveGroup(await highs, net!, m.blocks, m.apart, stats);
    const buffers = new Set(
      results.flatMap((r) => [r.levels, r.arcFlow, r.supplied, r.delivered].map((a) => a.buffer)),
    );
    port.postMessage({ id: m.id, results, stats }, [...buffers] as ArrayBuffer[]);
  } catch (err) {
    port.postMessage({ id: m.id, error: err instanceof Error ? err.message : String(err) });
  }
});
