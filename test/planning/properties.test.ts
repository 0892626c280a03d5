/**
 * Generated problems, checked against an LP formulation written separately
 * from the planner's: feasibility, leximin optimality by priority, least
 * hauling, and verify accepting the planner's output but not mutated plans.
 */
import fc from "fast-check";
import t from "tap";
import highsModule from "highs";
import {
  canonicalJson,
  checkFeasibility,
  type Plan,
  type Priority,
  type Problem,
  solve,
  verifyPlan,
} from "../../src/planning/index.js";

type Loader = (typeof highsModule)["default"];
const loadHighs: Loader =
  typeof highsModule === "function" ? (highsModule as unknown as Loader) : (highsModule as { default: Loader }).default;

/** Small random problems: few communities, shared legs that often bind, all priorities. */
const problemArb: fc.Arbitrary<Problem> = fc
  .record({
    nC: fc.integer({ min: 2, max: 6 }),
    nR: fc.integer({ min: 1, max: 3 }),
    weights: fc.array(fc.constantFrom(0, 0.5, 1, 2), { minLength: 3, maxLength: 3 }),
    offers: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 1, max: 100 })), { minLength: 1, maxLength: 6 }),
    needs: fc.array(
      fc.tuple(
        fc.nat(),
        fc.nat(),
        fc.integer({ min: 1, max: 100 }),
        fc.constantFrom<Priority>("essential", "important", "ordinary"),
      ),
      {
        minLength: 1,
        maxLength: 8,
      },
    ),
    legs: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.constantFrom(0, 5, 20, 60, 1000), fc.integer({ min: 0, max: 50 })), {
      minLength: 1,
      maxLength: 12,
    }),
  })
  .map(({ nC, nR, weights, offers, needs, legs }) => {
    const c = (i: number) => `c${i % nC}`;
    const r = (i: number) => `r${i % nR}`;
    return {
      version: 1 as const,
      communities: Array.from({ length: nC }, (_, i) => ({ id: `c${i}` })),
      resources: Array.from({ length: nR }, (_, i) => ({ id: `r${i}`, unit: "unit", kgPerUnit: weights[i]! })),
      offers: offers.map(([ci, ri, quantity], i) => ({ id: `o${i}`, community: c(ci), resource: r(ri), quantity })),
      needs: needs.map(([ci, ri, quantity, priority], i) => ({
        id: `n${i}`,
        community: c(ci),
        resource: r(ri),
        quantity,
        priority,
      })),
      legs: legs.map(([a, b, capacityKg, distanceKm], i) => ({
        id: `l${i}`,
        from: c(a),
        to: c(b === a ? a + 1 : b),
        capacityKg,
        distanceKm,
      })),
    };
  });

/** Seeded Fisher-Yates shuffle (mulberry32), so failures replay. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  let s = seed >>> 0;
  const rnd = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * An arc-flow LP written independently of the planner (as LP text, fine at
 * this size): "maximise need `target`" or "minimise hauling", under lower
 * bounds on delivered amounts.
 */
let highs: ReturnType<Loader> | undefined;

async function checkLp(
  p: Problem,
  lowerDelivered: Map<string, number>,
  objective: { maximise: string } | "haul",
): Promise<number> {
  highs ??= loadHighs();
  const h = await highs;
  const v = (s: string) => s.replace(/[^A-Za-z0-9_]/g, "_");
  const x = (r: string, l: string) => `x_${v(r)}_${v(l)}`;
  const rows: string[] = [];
  const bounds: string[] = [];
  const terms: string[] = [];
  for (const r of p.resources) {
    for (const c of p.communities) {
      const t: string[] = [];
      for (const l of p.legs) {
        if (l.from === l.to) continue;
        if (l.to === c.id) t.push(`+ ${x(r.id, l.id)}`);
        if (l.from === c.id) t.push(`- ${x(r.id, l.id)}`);
      }
      for (const o of p.offers) if (o.community === c.id && o.resource === r.id) t.push(`+ s_${v(o.id)}`);
      for (const n of p.needs) if (n.community === c.id && n.resource === r.id) t.push(`- d_${v(n.id)}`);
      if (t.length > 0) rows.push(` bal_${v(r.id)}_${v(c.id)}: ${t.join(" ")} = 0`);
    }
  }
  for (const l of p.legs) {
    if (l.from === l.to) continue;
    const t = p.resources.filter((r) => r.kgPerUnit > 0).map((r) => `+ ${r.kgPerUnit} ${x(r.id, l.id)}`);
    if (t.length > 0) rows.push(` cap_${v(l.id)}: ${t.join(" ")} <= ${l.capacityKg}`);
    for (const r of p.resources) if (r.kgPerUnit > 0) terms.push(`+ ${r.kgPerUnit * l.distanceKm} ${x(r.id, l.id)}`);
  }
  for (const o of p.offers) bounds.push(` 0 <= s_${v(o.id)} <= ${o.quantity}`);
  for (const n of p.needs) bounds.push(` ${lowerDelivered.get(n.id) ?? 0} <= d_${v(n.id)} <= ${n.quantity}`);
  const obj =
    objective === "haul"
      ? `Minimize\n obj: ${terms.length > 0 ? terms.join(" ") : `0 d_${v(p.needs[0]!.id)}`}`
      : `Maximize\n obj: d_${v(objective.maximise)}`;
  const lp = `${obj}\nSubject To\n${rows.join("\n")}\nBounds\n${bounds.join("\n")}\nEnd\n`;
  const res = h.solve(lp, { output_flag: false });
  if (res.Status !== "Optimal") throw new Error(`check LP: ${res.Status}\n${lp}`);
  return res.ObjectiveValue;
}

const RANK = { essential: 0, important: 1, ordinary: 2 } as const;
const SEED = 4242;

/** Lower bounds that hold the given needs at (a hair under) their plan ratios. */
function held(p: Problem, plan: Plan, keep: (id: string) => boolean): Map<string, number> {
  const ratio = new Map(plan.needs.map((n) => [n.need, n.ratio]));
  return new Map(
    p.needs
      .filter((n) => keep(n.id))
      .map((n) => [n.id, Math.max(0, ratio.get(n.id)! * n.quantity * (1 - 1e-7) - 1e-9)]),
  );
}

t.test("plans are feasible and consistent", async (t) => {
  const checked = fc.assert(
    fc.asyncProperty(problemArb, async (p) => {
      const violations = checkFeasibility(p, await solve(p));
      if (violations.length > 0) throw new Error(JSON.stringify(violations));
    }),
    { seed: SEED, numRuns: 80 },
  );
  await t.resolves(checked, "80 generated problems");
});

t.test("no need can rise without lowering a more urgent need, or an equally urgent one no better off", async (t) => {
  const checked = fc.assert(
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
  await t.resolves(checked, "80 sampled needs");
});

t.test("transport is the least for the plan's ratios", async (t) => {
  const checked = fc.assert(
    fc.asyncProperty(problemArb, async (p) => {
      const plan = await solve(p);
      const least = await checkLp(
        p,
        held(p, plan, () => true),
        "haul",
      );
      if (plan.transportKgKm > least * (1 + 1e-5) + 1e-5)
        throw new Error(`hauls ${plan.transportKgKm}, least is ${least}`);
    }),
    { seed: SEED, numRuns: 60 },
  );
  await t.resolves(checked, "60 generated problems");
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
        n.need === gone.need
          ? { ...n, delivered: n.delivered - gone.quantity, ratio: (n.delivered - gone.quantity) / need.quantity }
          : n,
      ),
      transportKgKm: plan.transportKgKm - gone.quantity * kg * km,
    };
  },
  "a ratio is misreported": (_p, plan) =>
    plan.needs.length === 0
      ? undefined
      : { ...plan, needs: plan.needs.map((n, j) => (j === 0 ? { ...n, ratio: n.ratio + 0.01 } : n)) },
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
  for (const name of Object.keys(mutations))
    t.ok((rejected[name] ?? 0) > 0, `"${name}" was tried and rejected (${rejected[name]}x)`);
});

const shuffle = (p: Problem, seed: number): Problem => ({
  version: 1,
  communities: shuffled(p.communities, seed),
  resources: shuffled(p.resources, seed + 1),
  offers: shuffled(p.offers, seed + 2),
  needs: shuffled(p.needs, seed + 3),
  legs: shuffled(p.legs, seed + 4),
});

t.test("solving twice gives byte-identical JSON; shuffled lists give the same plan", async (t) => {
  const checked = fc.assert(
    fc.asyncProperty(problemArb, fc.nat(), async (p, seed) => {
      const a = canonicalJson(await solve(p));
      const b = canonicalJson(await solve(p));
      const c = canonicalJson(await solve(shuffle(p, seed)));
      return a === b && a === c;
    }),
    { seed: 20261129, numRuns: 60 },
  );
  await t.resolves(checked, "60 generated problems");
});

t.test("canonicalJson sorts keys, drops undefined and writes -0 as 0", async (t) => {
  t.equal(
    canonicalJson({ b: [1, -0, { z: 1, a: "x" }], a: undefined, c: null }),
    '{"b":[1,0,{"a":"x","z":1}],"c":null}',
  );
  t.throws(() => canonicalJson({ x: Number.NaN }));
});
