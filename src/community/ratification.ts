import type { Policy } from "./policy.js";

/**
 * Which commitments the assembly must ratify, and the hook table through
 * which the exchange code hears the result. The exchange protocol (issue 6)
 * opens a vote whose subject is the commitment and registers a hook under its
 * `ref.kind`; when that vote closes, the hook answers on the federation.
 */

export interface Commitment {
  readonly resource: string;
  readonly quantity: number;
  readonly unit: string;
  /** Outgoing commitments give our goods away; incoming ones receive. */
  readonly direction: "outgoing" | "incoming";
  /** Counterpart community's actor URI. */
  readonly counterpart: string;
}

export interface RatificationNeed {
  readonly needed: boolean;
  readonly reasons: readonly string[];
}

export function needsRatification(
  policy: Pick<Policy, "ratificationThresholds" | "essentialResources">,
  c: Commitment,
): RatificationNeed {
  if (c.direction !== "outgoing") return { needed: false, reasons: [] };
  const reasons: string[] = [];
  if (policy.essentialResources.includes(c.resource)) reasons.push(`${c.resource} is an essential good`);
  const threshold = policy.ratificationThresholds[c.resource] ?? policy.ratificationThresholds["*"];
  if (threshold !== undefined && c.quantity > threshold) {
    reasons.push(`${c.quantity} ${c.unit} of ${c.resource} is above the threshold of ${threshold}`);
  }
  return { needed: reasons.length > 0, reasons };
}

/** What the exchange code refers to: e.g. {kind: "exchange-proposal", id: "<proposal URI>"}. */
export interface CommitmentRef {
  readonly kind: string;
  readonly id: string;
}

export type RatificationOutcome = "ratified" | "rejected" | "lapsed";

export interface RatificationResult {
  readonly voteId: number;
  readonly ref: CommitmentRef;
  readonly commitment: Commitment;
  readonly outcome: RatificationOutcome;
}

export type RatificationHook = (result: RatificationResult) => void | Promise<void>;

/** A vote result turned into what the proposal answer depends on: only a pass ratifies. */
export function ratificationOutcome(voteOutcome: "passed" | "failed" | "no-quorum" | "tie"): RatificationOutcome {
  if (voteOutcome === "passed") return "ratified";
  return voteOutcome === "no-quorum" ? "lapsed" : "rejected";
}

/** Per-node table of hooks by ref kind (one table per app, not a global, so tests stay independent). */
export class RatificationHooks {
  readonly #hooks = new Map<string, RatificationHook>();

  register(kind: string, hook: RatificationHook): void {
    if (this.#hooks.has(kind)) throw new Error(`a ratification hook for ${kind} is already registered`);
    this.#hooks.set(kind, hook);
  }

  async notify(result: RatificationResult): Promise<boolean> {
    const hook = this.#hooks.get(result.ref.kind);
    if (!hook) return false;
    await hook(result);
    return true;
  }
}

export type AnswerCheck = { ok: true; answer: "accept" | "reject" } | { ok: false; reason: string };

/**
 * Who may answer a proposal and how: a coordinator, and, when the commitment
 * needs ratification, only as the closed vote says (accept after a pass,
 * reject after a failure or lapse, nothing while it is open).
 */
export function checkAnswer(args: {
  isCoordinator: boolean;
  need: RatificationNeed;
  vote: { closed: boolean; outcome: RatificationOutcome | null } | null;
  answer: "accept" | "reject";
}): AnswerCheck {
  if (!args.isCoordinator) return { ok: false, reason: "only a coordinator may answer an exchange proposal" };
  if (!args.need.needed) return { ok: true, answer: args.answer };
  if (!args.vote)
    return { ok: false, reason: `this commitment needs the assembly's vote first (${args.need.reasons.join("; ")})` };
  if (!args.vote.closed) return { ok: false, reason: "the ratification vote is still open" };
  const allowed = args.vote.outcome === "ratified" ? "accept" : "reject";
  if (args.answer !== allowed)
    return {
      ok: false,
      reason: `the assembly's vote was ${args.vote.outcome}: the only possible answer is ${allowed}`,
    };
  return { ok: true, answer: allowed };
}
