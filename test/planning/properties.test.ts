/**
 * Generated problems, checked against an LP formulation written separately
 * from the planner's: feasibility, leximin optimality by priority, least
 * hauling, and verify accepting the planner's output but not mutated plans.
 */
import fc from "fast-check";
import t from "tap";
import { checkFeasibility, type Plan, type Problem, solve, verifyPlan } from "../../src/planning/index.js";
import { checkLp, problemArb } from "./helpers.js";

const RANK = { essential: 0, important: 1, ordinary: 2 } as const;
const SEED = 4242;

/** Lower bounds that hold the given needs at (a hair under) their plan ratios. */
function held(p: Problem, plan: Plan, keep: (id: string) => boolean): Map<string, number> {
  const ratio = new Map(plan.needs.map((n) => [n.need, n.ratio]));
  return new Map(p.needs.filter((n) => keep(n.id)).map((n) => [n.id, Math.max(0, ratio.get(n.id)! * n.quantity * (1 - 1e-7) - 1e-9)]));
}

t.test("plans are feasible and consistent", async (t) => {
  await fc.assert(
    fc.asyncProperty(problemArb, async (p) => {
      const violations = checkFeasibility(p, await solve(p));
      if (violations.length > 0) throw new Error(JSON.stringify(violations));
    }),
    { seed: SEED, numRuns: 80 },
  );
  t.pass("80 generated problems");
});

t.test("no need can rise without lowering a more urgent need, or an equally urgent one no better off", async (t) => {
  await fc.assert(
    fc.asyncProperty(problemArb, fc.nat(), async (p, pick) => {
      const plan = await solve(p);
      const ratio = new Map(plan.needs.map((n) => [n.need, n.ratio]));
      const target = p.needs[pick % p.needs.length]!;
      const bounds = held(p, plan, (id) => {
        const other = p.needs.find((n) => n.id === id)!;
        if (id === target.id) return false;
        const a = RANK[other.priority];
        const b = RANK[target.priority];
        return a < b || (a === b && ratio.get(id)! <= ratio.get(target.id)! * (1 + 1e-6) + 1e-9);
      });
      const best = await checkLp(p, bounds, { maximise: target.id });
      const got = ratio.get(target.id)! * target.quantity;
      // The held needs are loosened by 1e-7 of their size; that much may flow to the target.
      const slack = 1e-6 * p.needs.reduce((s, n) => s + n.quantity, 0);
      if (best > got * (1 + 1e-5) + slack) throw new Error(`${target.id} could get ${best}, plan gives ${got}`);
    }),
    { seed: SEED, numRuns: 80 },
  );
  t.pass("80 sampled needs");
});

t.test("transport is the least for the plan's ratios", async (t) => {
  await fc.assert(
    fc.asyncProperty(problemArb, async (p) => {
      const plan = await solve(p);
      const least = await checkLp(p, held(p, plan, () => true), "haul");
      if (plan.transportKgKm > least * (1 + 1e-5) + 1e-5) throw new Error(`hauls ${plan.transportKgKm}, least is ${least}`);
    }),
    { seed: SEED, numRuns: 60 },
  );
  t.pass("60 generated problems");
});

type Mutation = (p: Problem, plan: Plan) => Plan | undefined;
const mutations: Record<string, Mutation> = {
  "a flow grows without the totals": (_p, plan) => {
    const i = plan.flows.findIndex((f) => f.quantity > 0.01);
    if (i < 0) return undefined;
    return { ...plan, flows: plan.flows.map((f, j) => (j === i ? { ...f, quantity: f.quantity * 1.5 + 1 } : f)) };
  },
  "a flow is dropped, totals kept consistent": (p, plan) => {
    const i = plan.flows.findIndex((f) => f.quantity > 0.01);
    if (i < 0) return undefined;
    const gone = plan.flows[i]!;
    const need = p.needs.find((n) => n.id === gone.need)!;
    const offer = p.offers.find((o) => o.id === gone.offer)!;
    const kg = p.resources.find((r) => r.id === offer.resource)!.kgPerUnit;
    const km = gone.legs.reduce((s, l) => s + p.legs.find((x) => x.id === l)!.distanceKm, 0);
    return {
      ...plan,
      flows: plan.flows.filter((_, j) => j !== i),
      needs: plan.needs.map((n) =>
        n.need === gone.need ? { ...n, delivered: n.delivered - gone.quantity, ratio: (n.delivered - gone.quantity) / need.quantity } : n,
      ),
      transportKgKm: plan.transportKgKm - gone.quantity * kg * km,
    };
  },
  "a ratio is misreported": (_p, plan) =>
    plan.needs.length === 0 ? undefined : { ...plan, needs: plan.needs.map((n, j) => (j === 0 ? { ...n, ratio: n.ratio + 0.01 } : n)) },
  "a flow skips its first leg": (_p, plan) => {
    const i = plan.flows.findIndex((f) => f.legs.length > 0);
    if (i < 0) return undefined;
    return { ...plan, flows: plan.flows.map((f, j) => (j === i ? { ...f, legs: f.legs.slice(1) } : f)) };
  },
  "transport is understated": (_p, plan) => ({ ...plan, transportKgKm: plan.transportKgKm * 0.5 - 1 }),
};

t.test("verify accepts the planner's plans and rejects mutated ones", async (t) => {
  const rejected: Record<string, number> = {};
  await fc.assert(
    fc.asyncProperty(problemArb, async (p) => {
      const plan = await solve(p);
      const own = await verifyPlan(p, plan);
      if (own.length > 0) throw new Error(`own plan rejected: ${JSON.stringify(own)}`);
      for (const [name, mutate] of Object.entries(mutations)) {
        const bad = mutate(p, plan);
        if (!bad) continue;
        if ((await verifyPlan(p, bad)).length === 0) throw new Error(`mutation accepted: ${name}`);
        rejected[name] = (rejected[name] ?? 0) + 1;
      }
    }),
    { seed: SEED, numRuns: 40 },
  );
  for (const name of Object.keys(mutations)) t.ok((rejected[name] ?? 0) > 0, `"${name}" was tried and rejected (${rejected[name]}x)`);
});
