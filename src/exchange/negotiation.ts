/**
 * The rules for answering a proposal, as plain functions: who may answer,
 * how much, until when. Returns the reason an answer is refused, or null.
 */
import type { ExchangeView, Party } from "./state.js";

export interface AnswerRequest {
  readonly self: string;
  readonly supplier: string;
  readonly receiver: string;
  readonly answer: "accept" | "reject";
  readonly quantity?: number;
}

export type AnswerRefusal = { readonly status: "forbidden" | "conflict" | "invalid"; readonly field?: string; readonly detail: string };

export function partyOf(self: string, supplier: string, receiver: string): Party | null {
  return self === supplier ? "supplier" : self === receiver ? "receiver" : null;
}

export function checkAnswerRequest(view: ExchangeView, req: AnswerRequest, now: Date): AnswerRefusal | null {
  const party = partyOf(req.self, req.supplier, req.receiver);
  if (!party || !view.proposal) return { status: "forbidden", detail: "Only the supplier or the receiver of an exchange answers it." };
  if (view.status === "lapsed") return { status: "conflict", detail: `The deadline to answer (${view.proposal.deadline}) has passed; the proposal lapsed.` };
  if (view.status !== "proposed") return { status: "conflict", detail: `The exchange is ${view.status}; it can no longer be answered.` };
  if (now.toISOString() > view.proposal.deadline) return { status: "conflict", detail: `The deadline to answer (${view.proposal.deadline}) has passed.` };
  if (view.answers[party] !== null) return { status: "conflict", detail: `The ${party} has already answered (${view.answers[party]!.answer}).` };
  if (req.quantity !== undefined && req.quantity > view.proposal.quantity) {
    return { status: "invalid", field: "quantity", detail: `must not exceed the proposed ${view.proposal.quantity}` };
  }
  return null;
}
