/**
 * Solving one group of blocks (see solve.ts), on whichever thread runs it:
 * plain data in, plain typed arrays out, so a worker can do it as well.
 */
import type { Highs } from "highs";
import { leastHaulingBlock } from "./block-hauling.js";
import { fairLevels } from "./fairflow.js";
import { fillLevels, leastHauling } from "./leximin.js";
import { buildGroupLp, type GroupLp } from "./model.js";
import type { Block, Net } from "./network.js";
import type { SolveStats } from "./types.js";

export interface BlockResult {
  levels: Float64Array;
  arcFlow: Float64Array;
  supplied: Float64Array;
  delivered: Float64Array;
}

/**
 * One group: a lone block gets its levels from max-flows and its least
 * hauling from the network simplex (the LP only if that fails); a merged group first
 * tries the levels its blocks reached apart (if they fit together they are
 * optimal) and falls back to progressive filling on the shared-capacity LP.
 */
export function solveGroup(
  highs: Highs,
  net: Net,
  blocks: Block[],
  apart: (Float64Array | undefined)[],
  st: SolveStats,
): BlockResult[] {
  let levels: Float64Array | undefined;
  if (blocks.length === 1) {
    levels = fairLevels(net, blocks[0]!, st);
    st.minCostFlows = (st.minCostFlows ?? 0) + 1;
    const flows = leastHaulingBlock(net, blocks[0]!, levels);
    if (flows) return [{ ...flows, levels }];
  } else if (apart.every((l) => l !== undefined)) levels = concat(apart as Float64Array[]);
  let colValue =
    levels && withLp(highs, net, blocks, (lp) => leastHauling(highs, lp, net, levels!, st, blocks.length > 1));
  if (!colValue) {
    // A fresh model: the failed attempt above left its bounds and objective changed.
    [levels, colValue] = withLp(highs, net, blocks, (lp) => {
      const filled = fillLevels(highs, lp, net, st);
      return [filled, leastHauling(highs, lp, net, filled, st)] as const;
    });
    if (!colValue) throw new Error("planner: the levels found cannot be met together");
  }
  const out: BlockResult[] = [];
  let col = 0;
  let need = 0;
  for (const b of blocks) {
    const off = col + b.arcs.length;
    const nOff = off + b.offers.length;
    out.push({
      arcFlow: colValue.slice(col, off),
      supplied: colValue.slice(off, nOff),
      delivered: colValue.slice(nOff, nOff + b.needs.length),
      levels: levels!.slice(need, need + b.needs.length),
    });
    col = nOff + b.needs.length;
    need += b.needs.length;
  }
  return out;
}

function withLp<T>(highs: Highs, net: Net, blocks: Block[], use: (lp: GroupLp) => T): T {
  const lp = buildGroupLp(highs, net, blocks);
  try {
    return use(lp);
  } finally {
    lp.model.dispose();
  }
}

function concat(parts: Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
