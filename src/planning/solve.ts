/**
 * The planner: blocks are solved on their own, as if each had every leg to
 * itself. Where the combined load of a leg goes over its room, the blocks that
 * use it are merged into one group sharing that capacity and solved again,
 * until nothing is overloaded. Each group's answer is optimal for a relaxation
 * of the whole problem, so once the union is feasible it is optimal as well.
 */
import { decomposeBlock, type RawFlow } from "./decompose.js";
import { type BlockResult, solveGroup } from "./group.js";
import { type GroupJob, GroupPool } from "./group-pool.js";
import { getHighs } from "./highs.js";
import { type Block, buildBlocks, indexProblem, type Net } from "./network.js";
import { assemblePlan } from "./assemble.js";
import type { Plan, Problem, SolveStats } from "./types.js";

/** Leg load above capacity by more than this share means blocks must share it. */
const OVERLOAD_REL = 1e-7;

export interface SolveOptions {
  /**
   * Threads to solve independent groups on (default 1: the caller's thread
   * only). Used only where the work pays for starting them: two or more
   * merged groups, or lone blocks with PARALLEL_MIN_ARCS legs between them.
   */
  readonly threads?: number;
}

/** Below this many block legs in one pass, lone blocks are solved faster than threads start. */
const PARALLEL_MIN_ARCS = 200_000;

export async function solve(problem: Problem, stats?: SolveStats, options: SolveOptions = {}): Promise<Plan> {
  const highs = await getHighs();
  const st = stats ?? { lpSolves: 0, maxFlows: 0, minCostFlows: 0, groups: 0, merges: 0 };
  const net = indexProblem(problem);
  const blocks = buildBlocks(net);
  const results: BlockResult[] = new Array(blocks.length);
  let groups = blocks.map((_, i) => [i]);
  let pending = groups;
  let pool: GroupPool | undefined;
  try {
    while (pending.length > 0) {
      const jobs: GroupJob[] = pending.map((g) => ({
        blocks: g.map((b) => blocks[b]!),
        apart: g.map((b) => results[b]?.levels),
      }));
      st.groups += jobs.length;
      const threads = Math.min(options.threads ?? 1, jobs.length);
      let solved: BlockResult[][];
      if (threads > 1 && worthThreads(jobs)) {
        pool ??= new GroupPool(threads, net);
        solved = await pool.solveAll(jobs, st);
        st.threadedGroups = (st.threadedGroups ?? 0) + jobs.length;
      } else solved = jobs.map((j) => solveGroup(highs, net, j.blocks, j.apart, st));
      pending.forEach((g, gi) => {
        g.forEach((b, i) => {
          results[b] = solved[gi]![i]!;
        });
      });
      const merged = mergeOverloaded(net, blocks, results, groups);
      st.merges += merged.merged.length;
      groups = merged.groups;
      pending = merged.merged;
    }
  } finally {
    await pool?.close();
  }
  const flows: RawFlow[] = [];
  blocks.forEach((b, i) => {
    for (const f of decomposeBlock(net, b, results[i]!.arcFlow, results[i]!.supplied, results[i]!.delivered))
      flows.push(f);
  });
  return assemblePlan(net, flows);
}

function worthThreads(jobs: readonly GroupJob[]): boolean {
  if (jobs.filter((j) => j.blocks.length > 1).length >= 2) return true;
  return jobs.reduce((s, j) => s + j.blocks.reduce((a, b) => a + b.arcs.length, 0), 0) >= PARALLEL_MIN_ARCS;
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
