/**
 * Least hauling for a block that has its legs to itself: with every need's
 * delivery fixed at its level, what is left is a minimum-cost flow from the
 * offers (each up to its quantity) to the needs, solved by the network
 * simplex. Same model as the block's LP (see model.ts), without the solver.
 */
import { minCostFlow } from "./netsimplex.js";
import { type Block, localIndex, type Net } from "./network.js";

export interface BlockFlows {
  readonly arcFlow: Float64Array;
  readonly supplied: Float64Array;
  readonly delivered: Float64Array;
}

/** Share of the total delivery that may stay unrouted (the levels' own rounding). */
const UNROUTED_REL = 1e-9;

/** The block's flows at these levels, or nothing if they cannot be routed (the caller falls back to the LP). */
export function leastHaulingBlock(net: Net, block: Block, levels: Float64Array): BlockFlows | undefined {
  const w = net.resources[block.r]!.w;
  const local = localIndex(block);
  const nV = block.communities.length;
  const source = nV;
  const nArcs = block.arcs.length + block.offers.length;
  const from = new Int32Array(nArcs);
  const to = new Int32Array(nArcs);
  const cap = new Float64Array(nArcs);
  const cost = new Float64Array(nArcs);
  block.arcs.forEach((l, a) => {
    const leg = net.legs[l]!;
    from[a] = local.get(leg.from)!;
    to[a] = local.get(leg.to)!;
    cap[a] = w > 0 ? leg.cap / w : Number.POSITIVE_INFINITY;
    // Weightless cargo costs no kg·km; its distance still picks short paths (as in the LP).
    cost[a] = (w > 0 ? w : 1) * leg.dist;
  });
  block.offers.forEach((o, i) => {
    const a = block.arcs.length + i;
    from[a] = source;
    to[a] = local.get(net.offers[o]!.c)!;
    cap[a] = net.offers[o]!.q;
  });
  const supply = new Float64Array(nV + 1);
  const delivered = new Float64Array(block.needs.length);
  let total = 0;
  block.needs.forEach((n, k) => {
    const need = net.needs[n]!;
    delivered[k] = levels[k]! * need.q;
    supply[local.get(need.c)!]! -= delivered[k]!;
    total += delivered[k]!;
  });
  supply[source] = total;
  const solved = minCostFlow({ nodes: nV + 1, from, to, cap, cost, supply });
  if (!solved || solved.unrouted > UNROUTED_REL * Math.max(1, total)) return undefined;
  return {
    arcFlow: solved.flow.slice(0, block.arcs.length),
    supplied: solved.flow.slice(block.arcs.length),
    delivered,
  };
}
