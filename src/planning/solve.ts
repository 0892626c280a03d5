/**
 * The planner: blocks are solved on their own, as if each had every leg to
 * itself. Where the combined load of a leg goes over its room, the blocks that
 * use it are merged into one group sharing that capacity and solved again,
 * until nothing is overloaded. Each group's answer is optimal for a relaxation
 * of the whole problem, so once the union is feasible it is optimal as well.
 */
import { decomposeBlock, type RawFlow } from "./decompose.js";
import { getHighs } from "./highs.js";
import { solveGroup } from "./leximin.js";
import { buildGroupLp } from "./model.js";
import { type Block, buildBlocks, indexProblem, type Net } from "./network.js";
import { assemblePlan } from "./assemble.js";
import type { Plan, Problem, SolveStats } from "./types.js";

/** Leg load above capacity by more than this share means blocks must share it. */
const OVERLOAD_REL = 1e-7;

interface BlockResult {
  arcFlow: Float64Array;
  supplied: Float64Array;
  delivered: Float64Array;
}

export async function solve(problem: Problem, stats?: SolveStats): Promise<Plan> {
  const highs = await getHighs();
  const st = stats ?? { lpSolves: 0, groups: 0, merges: 0 };
  const net = indexProblem(problem);
  const blocks = buildBlocks(net);
  const results: BlockResult[] = new Array(blocks.length);
  let groups = blocks.map((_, i) => [i]);
  let pending = groups;
  while (pending.length > 0) {
    for (const g of pending) {
      st.groups++;
      const lp = buildGroupLp(highs, net, g.map((b) => blocks[b]!));
      try {
        const sol = solveGroup(highs, lp, net, st);
        g.forEach((b, i) => {
          const start = lp.arcStart[i]!;
          const blk = blocks[b]!;
          const off = start + blk.arcs.length;
          const nOff = off + blk.offers.length;
          results[b] = {
            arcFlow: sol.colValue.slice(start, off),
            supplied: sol.colValue.slice(off, nOff),
            delivered: sol.colValue.slice(nOff, nOff + blk.needs.length),
          };
        });
      } finally {
        lp.model.dispose();
      }
    }
    const merged = mergeOverloaded(net, blocks, results, groups);
    st.merges += merged.merged.length;
    groups = merged.groups;
    pending = merged.merged;
  }
  const flows: RawFlow[] = [];
  blocks.forEach((b, i) => flows.push(...decomposeBlock(net, b, results[i]!.arcFlow, results[i]!.supplied, results[i]!.delivered)));
  return assemblePlan(net, flows);
}

/** Unites the groups whose blocks together overload some leg; returns all groups and the new ones. */
function mergeOverloaded(net: Net, blocks: Block[], results: BlockResult[], groups: number[][]) {
  const load = new Float64Array(net.legs.length);
  const usersOf = new Map<number, number[]>();
  const groupOf = new Int32Array(blocks.length);
  groups.forEach((g, gi) => g.forEach((b) => (groupOf[b] = gi)));
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
  const find = (x: number): number => (parent[x] === x ? x : (parent[x] = find(parent[x]!)));
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
