/**
 * Progressive filling on a group LP, priority class by class, then the
 * least-hauling solve with every ratio pinned. The model is kept and only its
 * bounds change between solves, so HiGHS restarts from the last basis.
 */
import type { Highs } from "highs";
import type { GroupLp } from "./model.js";
import type { Net } from "./network.js";
import type { SolveStats } from "./types.js";

/** A common level below this is zero: it is solver noise, not a delivery. */
export const ZERO_LEVEL = 1e-6;
/** How far a frozen level is loosened before the next solve (relative, absolute on the ratio). */
const RELAX_REL = 1e-9;
const RELAX_ABS = 1e-10;
/** A need blocks the level when its dual carries at least this share of the objective. */
const DUAL_SHARE = 1e-9;

/** Levels of every need of the group (in GroupLp.needs order) by progressive filling on the LP. */
export function fillLevels(highs: Highs, lp: GroupLp, net: Net, stats: SolveStats): Float64Array {
  const { model, needs, needCol, needRow, tCol } = lp;
  const inf = highs.infinity;
  // Measured: after each freeze the basis stays primal feasible, and primal
  // simplex re-solves 4-6x faster than the default dual here.
  model.options.set({ simplex_strategy: 4 });
  const levels = new Float64Array(needs.length);
  const q = (k: number) => net.needs[needs[k]!]!.q;
  const setRows = (ks: number[], lo: number) => {
    if (ks.length === 0) return;
    model.changeRowsBounds(
      { kind: "set", indices: Int32Array.from(ks, (k) => needRow[k]!) },
      new Float64Array(ks.length).fill(lo),
      new Float64Array(ks.length).fill(inf),
    );
  };
  const frozen: number[] = [];
  const loosen = (k: number, factor: number) =>
    model.changeColBounds(
      needCol[k]!,
      q(k) * Math.max(0, levels[k]! * (1 - factor * RELAX_REL) - factor * RELAX_ABS),
      q(k),
    );
  const freeze = (ks: number[], level: number) => {
    setRows(ks, -inf);
    for (const k of ks) {
      levels[k] = level;
      frozen.push(k);
      loosen(k, 1);
    }
  };
  // Solver tolerances can put a level a hair above what is reachable; loosen
  // every frozen level step by step (staying far inside 1e-6) until it solves.
  // Each step is tried warm first: a warm start that calls the model
  // infeasible is usually fixed by the next loosening in tens of iterations,
  // while the cold solve of tryRun takes thousands (measured: half the time of
  // binding 200 x 20 went to cold retries). Cold only after the last loosening.
  const solveLoosening = () => {
    for (let factor = 10; !tryRun(highs, lp, stats, factor > 100); factor *= 10) {
      if (factor > 100) throw new Error(`planner LP ended with HiGHS status ${model.getModelStatus()}`);
      for (const k of frozen) loosen(k, factor);
    }
  };
  for (let p = 0; p < 3; p++) {
    let active: number[] = [];
    for (let k = 0; k < needs.length; k++) if (net.needs[needs[k]!]!.p === p) active.push(k);
    setRows(active, 0);
    while (active.length > 0) {
      solveLoosening();
      let t = model.getSolution().colValue[tCol]!;
      if (t < ZERO_LEVEL) t = 0;
      if (t >= 1 - 1e-9) {
        freeze(active, 1);
        break;
      }
      const dual = model.getSolution().rowDual;
      let blocked = active.filter((k) => Math.abs(dual[needRow[k]!]!) * q(k) > DUAL_SHARE);
      if (blocked.length === 0) blocked = probeEach(highs, lp, net, active, t, stats);
      // Exact arithmetic always finds one; this guard only stops endless loops on noise.
      if (blocked.length === 0) blocked = active;
      freeze(blocked, t);
      const done = new Set(blocked);
      active = active.filter((k) => !done.has(k));
    }
  }
  return levels;
}

/** Without usable duals: a need is blocked if even alone it cannot rise above t. */
function probeEach(highs: Highs, lp: GroupLp, net: Net, active: number[], t: number, stats: SolveStats): number[] {
  const { model, needs, needCol, tCol } = lp;
  const lo = Math.max(0, t * (1 - RELAX_REL) - RELAX_ABS);
  model.changeColBounds(tCol, lo, lo);
  model.changeColCost(tCol, 0);
  const blocked: number[] = [];
  for (const k of active) {
    const q = net.needs[needs[k]!]!.q;
    model.changeColCost(needCol[k]!, 1);
    run(highs, lp, stats);
    if (model.getSolution().colValue[needCol[k]!]! <= q * (t * (1 + 1e-7) + 1e-9)) blocked.push(k);
    model.changeColCost(needCol[k]!, 0);
  }
  model.changeColBounds(tCol, 0, 1);
  model.changeColCost(tCol, 1);
  return blocked;
}

/**
 * Least kg·km with every ratio at its level; the column values, or nothing if
 * these levels cannot be met together (levels from a relaxation can fail).
 * Every loosening is tried warm first (a warm start that calls the model
 * infeasible is usually fixed by the next loosening, while a cold solve costs
 * thousands of iterations); cold only at the last one. `guess`: the levels
 * are only a guess (the blocks' levels apart) that often fails, so no cold
 * solve at all: a wrong "cannot" only costs the filling that follows.
 */
export function leastHauling(
  highs: Highs,
  lp: GroupLp,
  net: Net,
  levels: Float64Array,
  stats: SolveStats,
  guess = false,
): Float64Array | undefined {
  const { model, needs, needCol, numCols, tCol } = lp;
  // A new objective: dual simplex (the default) is the faster one here.
  model.options.set({ simplex_strategy: 1 });
  model.changeColsCost({ kind: "range", from: 0, to: numCols - 1 }, lp.haulCost);
  model.changeObjectiveSense(highs.constants.objectiveSense.minimize);
  model.changeColBounds(tCol, 0, 0);
  // Pinned exactly first, so delivered amounts come out as the levels
  // themselves; loosened by a hair both ways only if that is infeasible.
  const indices = Int32Array.from(needCol);
  const factors = guess ? [0, 100] : [0, 1, 10, 100];
  for (const factor of factors) {
    const lo = new Float64Array(needs.length);
    const hi = new Float64Array(needs.length);
    for (let k = 0; k < needs.length; k++) {
      const q = net.needs[needs[k]!]!.q;
      const l = levels[k]!;
      lo[k] = q * Math.max(0, l * (1 - factor * RELAX_REL) - factor * RELAX_ABS);
      hi[k] = q * Math.min(1, l * (1 + factor * RELAX_REL) + factor * RELAX_ABS);
    }
    model.changeColsBounds({ kind: "set", indices }, lo, hi);
    if (tryRun(highs, lp, stats, !guess && factor === factors.at(-1))) return model.getSolution().colValue;
  }
  return undefined;
}

function run(highs: Highs, lp: GroupLp, stats: SolveStats): void {
  if (!tryRun(highs, lp, stats)) throw new Error(`planner LP ended with HiGHS status ${lp.model.getModelStatus()}`);
}

/**
 * Iterations a warm solve may take before the other simplex takes over from
 * the basis it reached. Measured at binding 1,000 x 20 (1.2.0): re-solves take
 * 164 iterations at the median and 18,613 at most (the first of a priority
 * class), but one warm primal re-solve (the 543rd) ran for more than ten
 * minutes without ending; with this cap the dual simplex finished it in
 * 15,088 iterations. A count, not a time, so every node takes the same path.
 * Mutable only so that a test can force the hand-over on a small problem.
 */
export const solverLimits = { warmIterationCap: 40_000 };

/** HiGHS's own default for simplex_iteration_limit: none. */
const NO_ITERATION_LIMIT = 2_147_483_647;

/** One solve, warm from the last basis; if not optimal and `cold`, once more from scratch. */
function tryRun(highs: Highs, lp: GroupLp, stats: SolveStats, cold = true): boolean {
  const { optimal, iterationLimit } = highs.constants.modelStatus;
  const { model } = lp;
  stats.lpSolves++;
  model.options.set({ simplex_iteration_limit: solverLimits.warmIterationCap });
  let status = model.run().modelStatus;
  if (status === iterationLimit) {
    const strategy = model.options.get("simplex_strategy");
    model.options.set({ simplex_strategy: strategy === 1 ? 4 : 1, simplex_iteration_limit: NO_ITERATION_LIMIT });
    stats.lpSolves++;
    status = model.run().modelStatus;
    model.options.set({ simplex_strategy: strategy });
  }
  model.options.set({ simplex_iteration_limit: NO_ITERATION_LIMIT });
  if (status === optimal) return true;
  if (!cold) return false;
  // Presolve can call a model with hair-thin bounds infeasible, and a warm
  // start can stall on a near-degenerate basis: retry cold, without presolve.
  model.clearSolver();
  model.options.set({ presolve: "off" });
  stats.lpSolves++;
  const coldStatus = model.run().modelStatus;
  model.options.set({ presolve: "choose" });
  return coldStatus === optimal;
}
