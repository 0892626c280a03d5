import { createHash } from "node:crypto";
import { canonicalJson, type Leg, type Plan, type Problem } from "../planning/index.js";
import { roundForUnit } from "./rounding.js";
import type { ProposalFacts } from "./state.js";

/** A leg as the round knows it: the planner's leg plus who drives it and when. */
export interface RoundLeg extends Leg {
  readonly driver: string;
  readonly departure: string;
}

export interface RoundInputs extends Omit<Problem, "legs" | "version"> {
  readonly legs: readonly RoundLeg[];
}

const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The planning problem of a round, in one canonical form: the same view of
 * the network gives byte-identical problems, hence the same digest, on any node.
 */
export function buildProblem(inputs: RoundInputs): Problem {
  return {
    version: 1,
    communities: [...inputs.communities].sort(byId),
    resources: [...inputs.resources].sort(byId),
    offers: [...inputs.offers].sort(byId),
    needs: [...inputs.needs].sort(byId),
    legs: inputs.legs.map(({ driver: _d, departure: _p, ...leg }) => leg).sort(byId),
  };
}

/** The digest every proposal of a round carries: sha256 over the canonical problem. */
export function problemDigest(problem: Problem): string {
  return `sha256:${createHash("sha256").update(canonicalJson(problem)).digest("hex")}`;
}

export interface DraftProposal {
  readonly offer: string;
  readonly need: string;
  readonly facts: ProposalFacts;
}

/**
 * One proposal per planned flow, its quantity rounded down to the resource's
 * unit; flows that round to nothing are dropped.
 */
export function proposalsFromPlan(
  inputs: RoundInputs,
  plan: Plan,
  options: { readonly deadline: string; readonly plannerVersion: string; readonly digest: string },
): DraftProposal[] {
  const offers = new Map(inputs.offers.map((o) => [o.id, o]));
  const needs = new Map(inputs.needs.map((n) => [n.id, n]));
  const resources = new Map(inputs.resources.map((r) => [r.id, r]));
  const legs = new Map(inputs.legs.map((l) => [l.id, l]));
  const drafts: DraftProposal[] = [];
  for (const flow of plan.flows) {
    const offer = offers.get(flow.offer);
    const need = needs.get(flow.need);
    const resource = offer ? resources.get(offer.resource) : undefined;
    if (!offer || !need || !resource)
      throw new Error(`plan flow ${flow.offer}→${flow.need} does not match the round's inputs`);
    const quantity = roundForUnit(flow.quantity, resource.unit);
    if (quantity <= 0) continue;
    drafts.push({
      offer: offer.id,
      need: need.id,
      facts: {
        supplier: offer.community,
        receiver: need.community,
        resource: resource.id,
        quantity,
        legs: flow.legs.map((id) => {
          const leg = legs.get(id);
          if (!leg) throw new Error(`plan flow uses unknown leg ${id}`);
          return { id: leg.id, from: leg.from, to: leg.to, driver: leg.driver };
        }),
        deadline: options.deadline,
        digest: options.digest,
        plannerVersion: options.plannerVersion,
      },
    });
  }
  return drafts;
}

export type RoundCheck =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: "digest-mismatch" | "plan-mismatch"; readonly detail: string };

/**
 * What any node does with a published round: recompute the digest of its
 * inputs and the plan from them, and compare byte for byte.
 */
export function checkRound(
  problem: Problem,
  published: { readonly digest: string; readonly plan: Plan },
  recomputed: Plan,
): RoundCheck {
  const digest = problemDigest(problem);
  if (digest !== published.digest) {
    return {
      ok: false,
      reason: "digest-mismatch",
      detail: `inputs digest to ${digest}, the round says ${published.digest}`,
    };
  }
  const mine = canonicalJson(recomputed);
  const theirs = canonicalJson(published.plan);
  if (mine !== theirs) {
    return { ok: false, reason: "plan-mismatch", detail: "the recomputed plan differs from the published one" };
  }
  return { ok: true };
}
