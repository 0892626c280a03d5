/**
 * Checks a plan against its problem: shape, feasibility, the reported numbers,
 * and optimality against the planner's own recomputation. Numbers are compared
 * with the contract's relative tolerance of 1e-6.
 */
import { type SolveOptions, solve } from "./solve.js";
import type { Plan, Problem, Violation } from "./types.js";

export const TOLERANCE = 1e-6;
/** Absolute slack so that zero compares equal to rounding noise around zero. */
const ABS = 1e-9;

const close = (a: number, b: number) => Math.abs(a - b) <= TOLERANCE * Math.max(Math.abs(a), Math.abs(b)) + ABS;
const atMost = (a: number, b: number) => a <= b + TOLERANCE * Math.max(Math.abs(a), Math.abs(b)) + ABS;

/** Everything that can be checked without solving: shape, feasibility, consistency. */
export function checkFeasibility(problem: Problem, input: unknown): Violation[] {
  const out: Violation[] = [];
  const v = (rule: string, path: string, message: string) => {
    out.push({ rule, path, message });
  };
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    v("plan-shape", "", "the plan must be a JSON object");
    return out;
  }
  const plan = input as Record<string, unknown>;
  if (plan.version !== 1) v("plan-version", "version", "version must be 1");
  if (!Array.isArray(plan.flows) || !Array.isArray(plan.needs) || !isNum(plan.transportKgKm)) {
    v("plan-shape", "", "the plan needs flows and needs arrays and a numeric transportKgKm");
    return out;
  }
  const offers = new Map(problem.offers.map((o) => [o.id, o]));
  const needs = new Map(problem.needs.map((n) => [n.id, n]));
  const legs = new Map(problem.legs.map((l) => [l.id, l]));
  const kg = new Map(problem.resources.map((r) => [r.id, r.kgPerUnit]));
  const fromOffer = new Map<string, number>();
  const toNeed = new Map<string, number>();
  const onLeg = new Map<string, number>();
  let transport = 0;
  (plan.flows as unknown[]).forEach((raw, i) => {
    const p = `flows[${i}]`;
    const f = raw as Record<string, unknown>;
    if (typeof f !== "object" || f === null || !isNum(f.quantity) || f.quantity < 0 || !Array.isArray(f.legs)) {
      v("flow-shape", p, `${p} needs an offer, a need, a quantity >= 0 and a legs array`);
      return;
    }
    const offer = offers.get(f.offer as string);
    const need = needs.get(f.need as string);
    if (!offer) v("flow-offer", `${p}.offer`, `${p}.offer names no offer of the problem`);
    if (!need) v("flow-need", `${p}.need`, `${p}.need names no need of the problem`);
    if (!offer || !need) return;
    if (offer.resource !== need.resource)
      v("flow-resource", p, `${p} moves ${offer.resource} to a need for ${need.resource}`);
    const q = f.quantity;
    let at = offer.community;
    let km = 0;
    (f.legs as unknown[]).forEach((id, j) => {
      const leg = legs.get(id as string);
      if (!leg) {
        v("flow-leg", `${p}.legs[${j}]`, `${p}.legs[${j}] names no leg of the problem`);
        return;
      }
      if (leg.from !== at)
        v("flow-path", `${p}.legs[${j}]`, `${p}.legs[${j}] starts at ${leg.from}, the flow is at ${at}`);
      at = leg.to;
      km += leg.distanceKm;
      onLeg.set(leg.id, (onLeg.get(leg.id) ?? 0) + q * (kg.get(offer.resource) ?? 0));
    });
    if (at !== need.community)
      v("flow-path", `${p}.legs`, `${p} ends at ${at}, not at the need's community ${need.community}`);
    fromOffer.set(offer.id, (fromOffer.get(offer.id) ?? 0) + q);
    toNeed.set(need.id, (toNeed.get(need.id) ?? 0) + q);
    transport += q * (kg.get(offer.resource) ?? 0) * km;
  });
  for (const [id, sum] of fromOffer)
    if (!atMost(sum, offers.get(id)!.quantity))
      v("offer-exceeded", `offers[${id}]`, `flows take ${sum} from offer ${id} of ${offers.get(id)!.quantity}`);
  for (const [id, sum] of toNeed)
    if (!atMost(sum, needs.get(id)!.quantity))
      v("need-exceeded", `needs[${id}]`, `flows bring ${sum} to need ${id} of ${needs.get(id)!.quantity}`);
  for (const [id, load] of onLeg)
    if (!atMost(load, legs.get(id)!.capacityKg))
      v("leg-capacity", `legs[${id}]`, `leg ${id} carries ${load} kg, room is ${legs.get(id)!.capacityKg} kg`);
  const listed = new Set<string>();
  (plan.needs as unknown[]).forEach((raw, i) => {
    const p = `needs[${i}]`;
    const r = raw as Record<string, unknown>;
    const need = typeof r === "object" && r !== null ? needs.get(r.need as string) : undefined;
    if (!need || !isNum(r.delivered) || !isNum(r.ratio)) {
      v("need-shape", p, `${p} must name a need and give delivered and ratio`);
      return;
    }
    if (listed.has(need.id)) v("need-duplicate", p, `${p} lists need ${need.id} again`);
    listed.add(need.id);
    const sum = toNeed.get(need.id) ?? 0;
    if (!close(r.delivered, sum))
      v("need-delivered", `${p}.delivered`, `${p}.delivered is ${r.delivered}, the flows bring ${sum}`);
    if (!close(r.ratio, r.delivered / need.quantity))
      v("need-ratio", `${p}.ratio`, `${p}.ratio is ${r.ratio}, delivered/quantity is ${r.delivered / need.quantity}`);
  });
  for (const n of problem.needs) if (!listed.has(n.id)) v("need-missing", "needs", `need ${n.id} is not listed`);
  if (!close(plan.transportKgKm, transport))
    v("transport", "transportKgKm", `transportKgKm is ${plan.transportKgKm}, the flows haul ${transport}`);
  return out;
}

/** Feasibility plus optimality: ratios as the planner's own, hauling no more than its optimum. */
export async function verifyPlan(problem: Problem, plan: Plan | unknown, options?: SolveOptions): Promise<Violation[]> {
  const out = checkFeasibility(problem, plan);
  if (out.some((v) => v.rule.endsWith("shape"))) return out;
  const ref = await solve(problem, undefined, options);
  const expected = new Map(ref.needs.map((n) => [n.need, n.ratio]));
  const given = plan as Plan;
  given.needs.forEach((n, i) => {
    const want = expected.get(n.need);
    if (want !== undefined && !close(n.ratio, want))
      out.push({
        rule: "ratio-not-optimal",
        path: `needs[${i}].ratio`,
        message: `need ${n.need} gets ratio ${n.ratio}, the fair plan gives ${want}`,
      });
  });
  if (!atMost(given.transportKgKm, ref.transportKgKm))
    out.push({
      rule: "transport-not-minimal",
      path: "transportKgKm",
      message: `the plan hauls ${given.transportKgKm} kg·km, the least for these ratios is ${ref.transportKgKm}`,
    });
  return out;
}

function isNum(x: unknown): x is number {
  return typeof x === "number" && Number.isFinite(x);
}
