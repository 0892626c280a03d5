/** Shared test helpers: compact problem builder, random problems, an independent LP check. */
import fc from "fast-check";
import highsModule from "highs";
import type { Plan, Priority, Problem } from "../../src/planning/index.js";

type Loader = (typeof highsModule)["default"];
const loadHighs: Loader =
  typeof highsModule === "function" ? (highsModule as unknown as Loader) : (highsModule as { default: Loader }).default;

export interface Spec {
  communities: string[];
  resources: [id: string, kgPerUnit: number][];
  offers: [id: string, community: string, resource: string, quantity: number][];
  needs: [id: string, community: string, resource: string, quantity: number, priority: Priority][];
  legs: [id: string, from: string, to: string, capacityKg: number, distanceKm: number][];
}

export function mk(s: Spec): Problem {
  return {
    version: 1,
    communities: s.communities.map((id) => ({ id })),
    resources: s.resources.map(([id, kgPerUnit]) => ({ id, unit: "unit", kgPerUnit })),
    offers: s.offers.map(([id, community, resource, quantity]) => ({ id, community, resource, quantity })),
    needs: s.needs.map(([id, community, resource, quantity, priority]) => ({ id, community, resource, quantity, priority })),
    legs: s.legs.map(([id, from, to, capacityKg, distanceKm]) => ({ id, from, to, capacityKg, distanceKm })),
  };
}

export const ratios = (plan: Plan) => Object.fromEntries(plan.needs.map((n) => [n.need, n.ratio]));

/** Small random problems: few communities, shared legs that often bind, all priorities. */
export const problemArb: fc.Arbitrary<Problem> = fc
  .record({
    nC: fc.integer({ min: 2, max: 6 }),
    nR: fc.integer({ min: 1, max: 3 }),
    weights: fc.array(fc.constantFrom(0, 0.5, 1, 2), { minLength: 3, maxLength: 3 }),
    offers: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 1, max: 100 })), { minLength: 1, maxLength: 6 }),
    needs: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 1, max: 100 }), fc.constantFrom<Priority>("essential", "important", "ordinary")), {
      minLength: 1,
      maxLength: 8,
    }),
    legs: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.constantFrom(0, 5, 20, 60, 1000), fc.integer({ min: 0, max: 50 })), { minLength: 1, maxLength: 12 }),
  })
  .map(({ nC, nR, weights, offers, needs, legs }) => {
    const c = (i: number) => `c${i % nC}`;
    const r = (i: number) => `r${i % nR}`;
    return mk({
      communities: Array.from({ length: nC }, (_, i) => `c${i}`),
      resources: Array.from({ length: nR }, (_, i) => [`r${i}`, weights[i]!] as [string, number]),
      offers: offers.map(([ci, ri, q], i) => [`o${i}`, c(ci), r(ri), q]),
      needs: needs.map(([ci, ri, q, p], i) => [`n${i}`, c(ci), r(ri), q, p]),
      legs: legs.map(([a, b, cap, d], i) => [`l${i}`, c(a), c(b === a ? a + 1 : b), cap, d]),
    });
  });

/** Seeded Fisher-Yates shuffle (mulberry32), so failures replay. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
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
export async function checkLp(
  p: Problem,
  lowerDelivered: Map<string, number>,
  objective: { maximise: string } | "haul",
): Promise<number> {
  const highs = await loadHighs();
  const kg = new Map(p.resources.map((r) => [r.id, r.kgPerUnit]));
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
  const obj = objective === "haul" ? `Minimize\n obj: ${terms.length > 0 ? terms.join(" ") : "0 d_" + v(p.needs[0]!.id)}` : `Maximize\n obj: d_${v(objective.maximise)}`;
  const lp = `${obj}\nSubject To\n${rows.join("\n")}\nBounds\n${bounds.join("\n")}\nEnd\n`;
  const res = highs.solve(lp, { output_flag: false });
  if (res.Status !== "Optimal") throw new Error(`check LP: ${res.Status}\n${lp}`);
  return res.ObjectiveValue;
}
