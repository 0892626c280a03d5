import { desc } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { roundsTable } from "../db/schema/exchange.js";
import type { ExchangeView as ExchangeState } from "../exchange/state.js";
import { listExchanges, viewOf } from "../exchange/store.js";
import type { ExchangeAgreementView, ExchangeProposalView, ExchangeView, PlanningRoundView } from "./exchange-view.js";

const IN_FLIGHT = new Set(["agreed", "in_transit", "delivered"]);

/**
 * The dashboard's exchange sections, read from this node's exchange store:
 * what waits for our answer, what is agreed and moving, and the last round.
 * Answering and starting rounds go through the API (`/api/exchanges/:id/…`,
 * `POST /api/rounds`), so the forms' paths stay null here.
 */
export function exchangesFromStore(db: Db, self: string): ExchangeView {
  const all = () => {
    const now = new Date();
    return listExchanges(db).map((row) => ({ row, state: viewOf(db, row.uri, now) }));
  };
  return {
    proposalsAwaitingAnswer: () =>
      all()
        .filter(({ row, state }) => state.status === "proposed" && awaitsOurAnswer(state, row, self))
        .map(({ row, state }): ExchangeProposalView => {
          const p = state.proposal!;
          return {
            id: row.uri,
            answerPath: null,
            resource: p.resource,
            quantity: p.quantity,
            unit: row.unit,
            from: row.supplier,
            to: row.receiver,
            legs: state.legs.map((l) => ({ from: l.from, to: l.to, driver: l.driver, departsAt: null })),
            verify: "unchecked",
            deadline: Date.parse(p.deadline),
          };
        }),
    agreementsInFlight: () =>
      all()
        .filter(({ state }) => IN_FLIGHT.has(state.status) && state.proposal !== null)
        .map(
          ({ row, state }): ExchangeAgreementView => ({
            id: row.uri,
            resource: state.proposal!.resource,
            quantity: state.agreedQuantity ?? state.acceptedQuantity ?? state.proposal!.quantity,
            unit: row.unit,
            from: row.supplier,
            to: row.receiver,
            status: state.status,
            shortfall: state.shortfall ?? 0,
          }),
        ),
    planningRound: (): PlanningRoundView | null => {
      const last = db.select().from(roundsTable).orderBy(desc(roundsTable.createdAt)).limit(1).get();
      // Rounds run to completion within their request, so none is ever shown as running.
      return {
        running: false,
        progress: null,
        startedAt: last?.createdAt ?? null,
        finishedAt: last?.createdAt ?? null,
        startPath: null,
      };
    },
  };
}

function awaitsOurAnswer(state: ExchangeState, row: { supplier: string; receiver: string }, self: string): boolean {
  return (
    (row.supplier === self && state.answers.supplier === null) ||
    (row.receiver === self && state.answers.receiver === null)
  );
}
