import { desc, eq } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { type ExchangeRow, exchangesTable, roundsTable } from "../db/schema/exchange.js";
import { routesTable } from "../db/schema/transport.js";
import { openRatificationVote } from "../exchange/actions.js";
import { localKind } from "../exchange/inputs.js";
import type { ExchangeFeature } from "../exchange/register.js";
import type { ExchangeView as ExchangeState } from "../exchange/state.js";
import { listExchanges, viewOf } from "../exchange/store.js";
import { listFollowing } from "../network/follows.js";
import { DRIVER_PREFIX, listDrivers } from "../transport/drivers.js";
import { findDeparture } from "../transport/store.js";
import type { ExchangeAgreementView, ExchangeLegView, ExchangeProposalView, ExchangeView, PlanningRoundView } from "./exchange-view.js";

const IN_FLIGHT = new Set(["agreed", "in_transit", "delivered"]);
/** How far along a running round is, by stage (its steps take very different times; this is a rough guide). */
const STAGE_PROGRESS = { gathering: 0.1, solving: 0.4, sending: 0.8 } as const;

/** The last segment of an exchange URI: what the answer form's path carries. */
export const exchangeIdOf = (uri: string): string => uri.split("/").pop() ?? "";

/**
 * The dashboard's exchange sections, read from this node's exchange store:
 * what waits for our answer (with names, legs, departure times and the
 * plan's cached check), what is agreed and moving, and the planning round.
 * Without `feature` (the answering and round code) the forms' paths stay null.
 */
export function exchangesFromStore(db: Db, self: string, feature?: ExchangeFeature, selfName?: string): ExchangeView {
  const all = () => {
    const now = new Date();
    return listExchanges(db).map((row) => ({ row, state: viewOf(db, row.uri, now) }));
  };
  return {
    proposalsAwaitingAnswer: () => {
      const names = namesOf(db, self, selfName);
      return all()
        .filter(({ row, state }) => state.status === "proposed" && awaitsOurAnswer(state, row, self))
        .map(({ row, state }): ExchangeProposalView => {
          const p = state.proposal!;
          const check = feature?.planChecks.statusOf(row.roundUri) ?? { status: "unchecked" as const, detail: null };
          return {
            id: row.uri,
            answerPath: feature ? `/admin/exchanges/${exchangeIdOf(row.uri)}/answer` : null,
            resource: p.resource,
            resourceName: localKind(db, p.resource)?.name ?? p.resource,
            quantity: p.quantity,
            unit: row.unit,
            from: row.supplier,
            to: row.receiver,
            fromName: names.community(row.supplier),
            toName: names.community(row.receiver),
            // Before the agreement, the driver the plan chose for each leg.
            legs: state.legs.map((l) =>
              legView(names, { ...l, driver: l.driver ?? p.legs.find((x) => x.id === l.id)?.driver ?? null }, departsAt(db, l)),
            ),
            verify: check.status,
            verifyDetail: check.detail,
            deadline: Date.parse(p.deadline),
            ratificationVote: openRatificationVote(db, row.uri),
          };
        });
    },
    agreementsInFlight: () => {
      const names = namesOf(db, self, selfName);
      return all()
        .filter(
          ({ row, state }) =>
            state.proposal !== null &&
            (IN_FLIGHT.has(state.status) || (state.status === "proposed" && answeredWaiting(state, row, self))),
        )
        .map(({ row, state }): ExchangeAgreementView => {
          const waiting =
            state.status === "proposed" ? (state.answers.supplier === null ? row.supplier : row.receiver) : null;
          return {
            id: row.uri,
            resource: state.proposal!.resource,
            resourceName: localKind(db, state.proposal!.resource)?.name ?? state.proposal!.resource,
            quantity:
              state.agreedQuantity ??
              state.acceptedQuantity ??
              ourAnswer(state, row, self)?.quantity ??
              state.proposal!.quantity,
            unit: row.unit,
            from: row.supplier,
            to: row.receiver,
            fromName: names.community(row.supplier),
            toName: names.community(row.receiver),
            status: state.status,
            shortfall: state.shortfall ?? 0,
            waitingFor: waiting ? names.community(waiting) : null,
            // Only the driver who took the leg counts here: the plan's suggestion is no promise.
            legs: state.legs.map((l) => ({
              ...legView(names, l, l.departure ? departsAt(db, l) : null),
              attempts: l.attempts,
              unserved: l.unserved,
            })),
          };
        });
    },
    planningRound: (): PlanningRoundView | null => {
      const job = feature?.rounds.current() ?? null;
      const startPath = feature ? "/admin/rounds" : null;
      if (job && job.finishedAt === null) {
        return {
          running: true,
          stage: job.stage,
          progress: STAGE_PROGRESS[job.stage],
          startedAt: job.startedAt,
          finishedAt: null,
          startPath,
          result: null,
          failure: null,
        };
      }
      if (job?.outcome && !job.outcome.ok) {
        return {
          running: false,
          stage: null,
          progress: null,
          startedAt: job.startedAt,
          finishedAt: job.finishedAt,
          startPath,
          result: null,
          failure: job.outcome.reason,
        };
      }
      // The last round saved here (a restart forgets the job, not the round).
      const last = db.select().from(roundsTable).orderBy(desc(roundsTable.createdAt)).limit(1).get();
      if (!last)
        return {
          running: false,
          stage: null,
          progress: null,
          startedAt: null,
          finishedAt: null,
          startPath,
          result: null,
          failure: null,
        };
      const proposals = db
        .select({ uri: exchangesTable.uri })
        .from(exchangesTable)
        .where(eq(exchangesTable.roundUri, last.uri))
        .all().length;
      return {
        running: false,
        stage: null,
        progress: null,
        startedAt: job?.startedAt ?? last.createdAt,
        finishedAt: job?.finishedAt ?? last.createdAt,
        startPath,
        result: { path: `/rounds/${last.id}`, proposals },
        failure: null,
      };
    },
  };
}

function awaitsOurAnswer(state: ExchangeState, row: Pick<ExchangeRow, "supplier" | "receiver">, self: string): boolean {
  return (
    (row.supplier === self && state.answers.supplier === null) ||
    (row.receiver === self && state.answers.receiver === null)
  );
}

function ourAnswer(state: ExchangeState, row: Pick<ExchangeRow, "supplier" | "receiver">, self: string) {
  return row.supplier === self ? state.answers.supplier : row.receiver === self ? state.answers.receiver : null;
}

/** We have answered, the other party not yet. */
function answeredWaiting(state: ExchangeState, row: Pick<ExchangeRow, "supplier" | "receiver">, self: string): boolean {
  return (
    !awaitsOurAnswer(state, row, self) &&
    (row.supplier === self || row.receiver === self) &&
    (state.answers.supplier === null || state.answers.receiver === null)
  );
}

/** When a leg leaves: its driver's chosen departure, else the departure the planner used (the leg id is `<departure>#leg-N`). */
/** A leg as the dashboard shows it: its ends and driver, by name where this node knows them. */
function legView(
  names: ReturnType<typeof namesOf>,
  l: { from: string; to: string; driver: string | null },
  at: number | null,
): ExchangeLegView {
  return {
    from: l.from,
    to: l.to,
    driver: l.driver,
    fromName: names.community(l.from),
    toName: names.community(l.to),
    driverName: l.driver ? names.driver(l.driver) : null,
    departsAt: at,
  };
}

function departsAt(db: Db, leg: { id: string; departure: string | null }): number | null {
  const uri = leg.departure || leg.id.replace(/#leg-\d+$/, "");
  return findDeparture(db, uri)?.departsAt ?? null;
}

/** Names for community and driver URIs, from what this node knows (following, route stops, its own drivers). */
function namesOf(db: Db, self: string, selfName: string | undefined) {
  const communities = new Map<string, string>();
  const drivers = new Map<string, string>();
  for (const r of db.select({ stops: routesTable.stopsJson }).from(routesTable).all()) {
    for (const s of JSON.parse(r.stops) as { uri: string; name?: string | null }[])
      if (s.name) communities.set(s.uri, s.name);
  }
  for (const f of listFollowing(db)) if (f.name) communities.set(f.actorUri, f.name);
  if (selfName) communities.set(self, selfName);
  const origin = new URL(self).origin;
  for (const d of listDrivers(db)) drivers.set(`${origin}/actors/${DRIVER_PREFIX}${d.id}`, d.name);
  return {
    community: (uri: string) => communities.get(uri) ?? uri,
    driver: (uri: string) => drivers.get(uri) ?? uri,
  };
}
