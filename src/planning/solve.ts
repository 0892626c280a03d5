/**
 * The planner: blocks are solved on their own, as if each had every leg to
 * itself. Where the combined load of a leg goes over its room, the blocks that
 * use it are merged into one group sharing that capacity and solved again,
 * until nothing is overloaded. Each group's answer is optimal for a relaxation
 * of the whole problem, so once the union is feasible it is optimal as well.
 */
import { decomposeBlock, type RawFlow } from "./decompose.js";
import { getHighs } from "./highs.js";
import { leastHaulingBlock } from "./block-hauling.js";
import { fairLevels } from "./fairflow.js";
import { fillLevels, leastHauling } from "./leximin.js";
import type { Highs } from "highs";
import { buildGroupLp, type GroupLp } from "./model.js";
import { type Block, buildBlocks, indexProblem, type Net } from "./network.js";
import { assemblePlan } from "./assemble.js";
import type { Plan, Problem, SolveStats } from "./types.js";

/** Leg load above capacity by more than this share means blocks must share it. */
const OVERLOAD_REL = 1e-7;

interface BlockResult {
  levels: Float64Array;
  arcFlow: Float64Array;
  supplied: Float64Array;
  delivered: Float64Array;
}

export async function solve(problem: Problem, stats?: SolveStats): Promise<Plan> {
  const highs = await getHighs();
  const st = stats ?? { lpSolves: 0, maxFlows: 0, minCostFlows: 0, groups: 0, merges: 0 };
  const net = indexProblem(problem);
  const blocks = buildBlocks(net);
  const results: BlockResult[] = new Array(blocks.length);
  let groups = blocks.map((_, i) => [i]);
  let pending = groups;
  while (pending.length > 0) {
    for (const g of pending) {
      st.groups++;
      const solved = solveGroup(
        highs,
        net,
        g.map((b) => blocks[b]!),
        g.map((b) => results[b]?.levels),
        st,
      );
      g.forEach((b, i) => {
        results[b] = solved[i]!;
      });
    }
    const merged = mergeOverloaded(net, blocks, results, groups);
    st.merges += merged.merged.length;
    groups = merged.groups;
    pending = merged.merged;
  }
  const flows: RawFlow[] = [];
  blocks.forEach((b, i) => {
    for (const f of decomposeBlock(net, b, results[i]!.arcFlow, results[i]!.supplied, results[i]!.delivered))
      flows.push(f);
  });
  return assemblePlan(net, flows);
}

/**
 * One group: a lone block gets its levels from max-flows and its least
 * hauling from the network simplex (the LP only if that fails); a merged group first
 * tries the levels its blocks reached apart (if they fit together they are
 * optimal) and falls back to progressive filling on the shared-capacity LP.
 */
function solveGroup(
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

/** Unites the groups whose blocks together overload some leg; returns all groups and the new ones. */
function mergeOverloaded(net: Net, blocks: Block[], results: BlockResult[], groups: number[][]) {
  const load = new Float64Array(net.legs.length);
  const usersOf = new Map<number, number[]>();
  const groupOf = new Int32Array(blocks.length);
  groups.forEach((g, gi) => {
    for (const b of g) groupOf[b] = gi;
  });
  blocks.forEach((b, i) => {
    const w = net.resources[b.r]!.w;
    if (w === 0) return;
    b.arcs.forEach((l, a) => {
      const f = results[i]!.arcFlow[a]!;
      if (f <= 0) return;
      load[l]! += f * w;
      const u = usersOf.get(l);
      if (u) u.push(groupOf[i]!);
      else usersOf.set(l, [groupOf[i]!]);
    });
  });
  const parent = groups.map((_, i) => i);
  const find = (x: number): number => {
    if (parent[x] !== x) parent[x] = find(parent[x]!);
    return parent[x]!;
  };
  let any = false;
  for (const [l, users] of usersOf) {
    const cap = net.legs[l]!.cap;
    if (load[l]! <= cap + OVERLOAD_REL * Math.max(cap, 1)) continue;
    for (const g of users) {
      const a = find(users[0]!);
      const b = find(g);
      if (a !== b) {
        parent[Math.max(a, b)] = Math.min(a, b);
        any = true;
      }
    }
  }
  if (!any) return { groups, merged: [] as number[][] };
  const byRoot = new Map<number, number[]>();
  groups.forEach((g, gi) => {
    const r = find(gi);
    const acc = byRoot.get(r);
    if (acc) acc.push(...g);
    else byRoot.set(r, [...g]);
  });
  const next = [...byRoot.values()].map((g) => g.sort((a, b) => a - b)).sort((a, b) => a[0]! - b[0]!);
  const merged = next.filter((g) => groups.findIndex((old) => old[0] === g[0] && old.length === g.length) < 0);
  return { groups: next, merged };
}
