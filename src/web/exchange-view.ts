/**
 * The dashboard's window on the exchange protocol (issue 6), as a small
 * interface the exchange code implements: the pages only show what it
 * returns and never invent data. Until it is wired, `noExchanges` answers
 * with empty lists and the dashboard says so.
 */

export interface ExchangeLegView {
  readonly from: string;
  readonly to: string;
  readonly driver: string | null;
  readonly departsAt: number | null;
  /** Display names (the community's or driver's name when known here, else the URI). */
  readonly fromName?: string;
  readonly toName?: string;
  readonly driverName?: string | null;
  /** How many times the proposer asked drivers for this leg (0 before the agreement). */
  readonly attempts?: number;
  /** Why nobody carries the leg (all asked drivers declined, the window passed, no departure fits); null while it may still be carried. */
  readonly unserved?: string | null;
}

export interface ExchangeProposalView {
  readonly id: string;
  /** Where the answer form posts (the exchange code registers that route). */
  readonly answerPath: string | null;
  readonly resource: string;
  readonly quantity: number;
  readonly unit: string;
  readonly from: string;
  readonly to: string;
  readonly legs: readonly ExchangeLegView[];
  /** The planning round's verification of the plan behind it. */
  readonly verify: "verified" | "mismatch" | "unchecked";
  /** Why the plan is a mismatch. */
  readonly verifyDetail?: string | null;
  readonly deadline: number | null;
  readonly resourceName?: string;
  readonly fromName?: string;
  readonly toName?: string;
  /** The assembly's open vote on accepting it, when the policy asked for one. */
  readonly ratificationVote?: number | null;
}

export interface ExchangeAgreementView {
  readonly id: string;
  readonly resource: string;
  readonly quantity: number;
  readonly unit: string;
  readonly from: string;
  readonly to: string;
  /** proposed / agreed / in_transit / delivered / received / … as `src/exchange/state.ts` derives it. */
  readonly status: string;
  readonly shortfall: number;
  readonly resourceName?: string;
  readonly fromName?: string;
  readonly toName?: string;
  /** We answered; the other party has not yet (the exchange is still "proposed"). */
  readonly waitingFor?: string | null;
  /** Each leg with the driver who took it (null: nobody yet), how often it was asked for, and why it is unserved. */
  readonly legs?: readonly ExchangeLegView[];
}

export interface PlanningRoundView {
  readonly running: boolean;
  /** 0..1 while running. */
  readonly progress: number | null;
  /** While running: gathering inputs, solving, sending proposals. */
  readonly stage?: "gathering" | "solving" | "sending" | null;
  /** The last finished round: where it is published and how many proposals it sent. */
  readonly result?: { readonly path: string; readonly proposals: number } | null;
  /** Why the last round failed. */
  readonly failure?: string | null;
  readonly startedAt: number | null;
  readonly finishedAt: number | null;
  /** Where the "start a planning round" button posts; null when rounds cannot be started here. */
  readonly startPath: string | null;
}

export interface ExchangeView {
  proposalsAwaitingAnswer(): readonly ExchangeProposalView[];
  agreementsInFlight(): readonly ExchangeAgreementView[];
  planningRound(): PlanningRoundView | null;
}

export const noExchanges: ExchangeView = {
  proposalsAwaitingAnswer: () => [],
  agreementsInFlight: () => [],
  planningRound: () => null,
};
