import { Type } from "@fastify/type-provider-typebox";
import type { Community } from "../community/service.js";
import { loadPolicy } from "../community/policy-store.js";
import { checkAnswer, needsRatification } from "../community/ratification.js";
import type { ExchangeRow } from "../db/schema/exchange.js";
import { requireAdmin } from "../http/auth.js";
import type { App, HttpDeps } from "../http/types.js";
import { HttpProblem } from "../lib/problem.js";
import { findItem } from "../supply/store.js";
import { haulStep } from "../transport/haul-actions.js";
import { listHauls } from "../transport/store.js";
import { checkAnswerRequest, partyOf } from "./negotiation.js";
import { emitExchangeEvent, newEventId, selfUri } from "./publish.js";
import { reconcile } from "./reconcile.js";
import { problemDigest } from "./round.js";
import { type PublishedRound, runRound, verifyRound } from "./rounds.js";
import { eventsOf, findReservation, findRound, listExchanges, reserve, reservedOn, viewOf } from "./store.js";

/** Ratification votes about exchange answers carry this ref kind. */
export const RATIFICATION_KIND = "exchange-answer";

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64, pattern: "^[A-Za-z0-9-]+$" }) });

/** Rounds, exchange proposals and their answers; the public round documents. */
export function registerExchangeRoutes(app: App, deps: HttpDeps, community: Community): void {
  const { services } = deps;
  const { db, config } = services;
  const admin = { preHandler: requireAdmin(db) };
  const tags = ["exchange"];
  const ctx = () => deps.context();

  const load = (id: string): ExchangeRow => {
    const row = listExchanges(db).find((x) => x.uri.endsWith(`/exchanges/${id}`));
    if (!row) throw HttpProblem.of("notFound", `No exchange ${id}`);
    return row;
  };

  app.post(
    "/api/rounds",
    {
      ...admin,
      schema: {
        tags,
        summary: "Run a planning round: plan from the network view and send one proposal per flow",
        body: Type.Object(
          {
            answerSeconds: Type.Optional(Type.Integer({ minimum: 10, maximum: 14 * 86_400, description: "time the parties have to answer (default one day)" })),
            horizonDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 28 })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const result = await runRound(ctx(), { answerSeconds: request.body?.answerSeconds ?? 86_400, horizonDays: request.body?.horizonDays ?? 14 });
      if (!result.ok) throw HttpProblem.of("unprocessable", result.reason);
      return reply.status(201).header("location", result.round.url).send(result.round);
    },
  );

  app.get("/rounds/:id", { schema: { tags, summary: "A round, public: problem, plan, digest, planner version", params: IdParams } }, async (request) => {
    const r = findRound(db, request.params.id);
    if (!r) throw HttpProblem.of("notFound", `No round ${request.params.id}`);
    return publishedRound(r);
  });

  app.get("/rounds/:id/verify", { schema: { tags, summary: "Recompute a round here and compare", params: IdParams } }, async (request) => {
    const r = findRound(db, request.params.id);
    if (!r) throw HttpProblem.of("notFound", `No round ${request.params.id}`);
    return { round: r.uri, ...(await verifyRound(publishedRound(r))) };
  });

  app.post(
    "/api/rounds/verify",
    {
      ...admin,
      schema: {
        tags,
        summary: "Fetch another node's round and recompute it; a mismatch is reported",
        body: Type.Object({ url: Type.String({ format: "uri", maxLength: 2048 }) }, { additionalProperties: false }),
      },
    },
    async (request) => {
      const round = await fetchRound(request.body.url);
      if (!round) throw HttpProblem.invalid("url", "does not serve a round (problem, plan, digest, plannerVersion)");
      return { round: request.body.url, ...(await verifyRound(round)) };
    },
  );

  app.get("/api/exchanges", { ...admin, schema: { tags, summary: "Exchanges this node takes part in, with their state" } }, async () => ({
    items: listExchanges(db).map((row) => serialize(row, false)),
  }));

  app.get("/api/exchanges/:id", { ...admin, schema: { tags, summary: "One exchange: derived state and history", params: IdParams } }, async (request) =>
    serialize(load(request.params.id), true),
  );

  app.post(
    "/api/exchanges/:id/accept",
    {
      ...admin,
      schema: {
        tags,
        summary: "Accept a proposal (all of it, or a smaller quantity); the supplier reserves what it accepts",
        params: IdParams,
        body: Type.Optional(Type.Object({ quantity: Type.Optional(Type.Number({ exclusiveMinimum: 0 })) }, { additionalProperties: false })),
      },
    },
    async (request, reply) => {
      const result = await answer(load(request.params.id), "accept", request.body?.quantity, undefined, false);
      return "awaiting" in result ? reply.status(202).send(result) : result;
    },
  );

  app.post(
    "/api/exchanges/:id/reject",
    {
      ...admin,
      schema: {
        tags,
        summary: "Reject a proposal, with a reason",
        params: IdParams,
        body: Type.Object({ reason: Type.String({ minLength: 1, maxLength: 1000 }) }, { additionalProperties: false }),
      },
    },
    async (request) => answer(load(request.params.id), "reject", undefined, request.body.reason, false),
  );

  app.post(
    "/api/exchanges/:id/cancel",
    {
      ...admin,
      schema: {
        tags,
        summary: "Cancel an exchange at any stage before receipt: reservations are released and every party told (Undo)",
        params: IdParams,
        body: Type.Object({ reason: Type.String({ minLength: 1, maxLength: 1000 }) }, { additionalProperties: false }),
      },
    },
    async (request) => {
      const row = load(request.params.id);
      const me = selfUri(ctx());
      if (![row.proposer, row.supplier, row.receiver].includes(me)) throw HttpProblem.of("forbidden", "Only a party to the exchange cancels it.");
      const view = viewOf(db, row.uri, new Date());
      if (["received", "cancelled", "rejected", "lapsed"].includes(view.status)) throw HttpProblem.of("conflict", `The exchange is ${view.status}.`);
      await emitExchangeEvent(ctx(), row, { id: newEventId(ctx()), at: new Date().toISOString(), kind: "cancelled", by: me, reason: request.body.reason });
      await reconcile(ctx(), row.uri);
      return serialize(row, true);
    },
  );

  app.post(
    "/api/exchanges/:id/receive",
    {
      ...admin,
      schema: {
        tags,
        summary: "The receiver confirms the quantity actually received (our need goes down by it)",
        params: IdParams,
        body: Type.Object({ quantity: Type.Number({ minimum: 0 }) }, { additionalProperties: false }),
      },
    },
    async (request) => {
      const row = load(request.params.id);
      if (row.receiver !== selfUri(ctx())) throw HttpProblem.of("forbidden", "Only the receiving community confirms receipt.");
      const haul = listHauls(db).find((h) => h.reason === row.uri && h.toUri === row.receiver && h.status === "delivered");
      if (!haul) throw HttpProblem.of("conflict", "Nothing has been delivered for this exchange yet.");
      await haulStep(deps, haul, { type: "received", quantity: request.body.quantity }, config.handle);
      await reconcile(ctx(), row.uri);
      return serialize(row, true);
    },
  );

  // A ratification vote's close answers the proposal: accept if ratified, else reject with the outcome.
  community.hooks.register(RATIFICATION_KIND, async (result) => {
    const { exchange, quantity } = JSON.parse(result.ref.id) as { exchange: string; quantity: number };
    const row = listExchanges(db).find((x) => x.uri === exchange);
    if (!row) return;
    try {
      if (result.outcome === "ratified") await answer(row, "accept", quantity, undefined, true);
      else await answer(row, "reject", undefined, `the assembly did not ratify this commitment (${result.outcome})`, true);
    } catch (err) {
      services.log.warn({ err, exchange }, "could not answer after the ratification vote");
    }
  });

  async function answer(row: ExchangeRow, kind: "accept" | "reject", quantity: number | undefined, reason: string | undefined, ratified: boolean) {
    const me = selfUri(ctx());
    const now = new Date();
    const view = viewOf(db, row.uri, now);
    const refusal = checkAnswerRequest(view, { self: me, supplier: row.supplier, receiver: row.receiver, answer: kind, quantity }, now);
    if (refusal) throw refusal.status === "invalid" ? HttpProblem.invalid(refusal.field ?? "body", refusal.detail) : HttpProblem.of(refusal.status, refusal.detail);
    const facts = view.proposal!;
    const party = partyOf(me, row.supplier, row.receiver)!;
    const q = quantity ?? facts.quantity;
    if (kind === "accept") {
      const digestProblem = await digestCheck(row.roundUri, facts.digest);
      if (digestProblem) throw HttpProblem.of("unprocessable", digestProblem, { errors: [{ name: "digest", reason: digestProblem }] });
      const need = needsRatification(loadPolicy(db), {
        resource: facts.resource,
        quantity: q,
        unit: row.unit,
        direction: party === "supplier" ? "outgoing" : "incoming",
        counterpart: party === "supplier" ? row.receiver : row.supplier,
      });
      if (need.needed && !ratified) {
        // The community's policy says the assembly decides: open the vote; its close answers (hook below).
        const ref = { kind: RATIFICATION_KIND, id: JSON.stringify({ exchange: row.uri, quantity: q }) };
        const { vote } = community.requestRatification(
          { resource: facts.resource, quantity: q, unit: row.unit, direction: party === "supplier" ? "outgoing" : "incoming", counterpart: party === "supplier" ? row.receiver : row.supplier },
          ref,
          null,
        );
        return { awaiting: "ratification", vote: vote?.id ?? null, reasons: need.reasons, exchange: row.uri };
      }
      const allowed = checkAnswer({ isCoordinator: true, need, vote: ratified ? { closed: true, outcome: "ratified" } : null, answer: kind });
      if (!allowed.ok) throw HttpProblem.of("conflict", allowed.reason);
    }
    let free = Infinity;
    const recorded = await emitExchangeEvent(
      ctx(),
      row,
      { id: newEventId(ctx()), at: now.toISOString(), kind: "answered", party, answer: kind, ...(kind === "accept" ? { quantity: q } : { reason }) },
      (d) => {
        if (kind !== "accept" || party !== "supplier") return true;
        // The check and the reservation in the same transaction as the Accept: no surplus promised twice.
        const offer = ownItem(row.offerUri);
        if (offer?.status !== "active") {
          free = 0;
          return false;
        }
        free = offer.quantity - reservedOn(d, row.offerUri);
        return reserve(d, row.uri, row.offerUri, q, offer.quantity);
      },
    );
    if (!recorded) {
      throw HttpProblem.of("conflict", `Only ${Math.max(0, Math.round(free * 1e6) / 1e6)} of this offer is still free (the rest is promised in other exchanges); accept a smaller quantity or reject.`, {
        errors: [{ name: "quantity", reason: "more than is still free in the offer" }],
      });
    }
    await reconcile(ctx(), row.uri);
    return serialize(row, true);
  }

  function ownItem(uri: string) {
    const prefix = new URL("/supply/", config.origin).href;
    return uri.startsWith(prefix) ? findItem(db, uri.slice(prefix.length), "offer") : undefined;
  }

  /** The digest the proposal carries must be the digest of its round's inputs, when we can fetch the round. */
  async function digestCheck(roundUrl: string, digest: string): Promise<string | null> {
    const round = await fetchRound(roundUrl);
    if (!round) return null;
    const actual = problemDigest(round.problem);
    return actual === digest && round.digest === digest ? null : `the proposal's digest ${digest} does not match its round's inputs (${actual})`;
  }

  function serialize(row: ExchangeRow, history: boolean) {
    const me = selfUri(ctx());
    const view = viewOf(db, row.uri, new Date());
    const roles = [row.proposer === me && "proposer", row.supplier === me && "supplier", row.receiver === me && "receiver"].filter(Boolean);
    return {
      id: row.uri.split("/").pop(),
      uri: row.uri,
      round: row.roundUri,
      roles: roles.length > 0 ? roles : ["carrier"],
      proposer: row.proposer,
      supplier: row.supplier,
      receiver: row.receiver,
      offer: row.offerUri,
      need: row.needUri,
      unit: row.unit,
      reservation: findReservation(db, row.uri) ?? null,
      ...view,
      ...(history ? { history: eventsOf(db, row.uri) } : {}),
    };
  }
}

function publishedRound(r: { id: string; uri: string; problemJson: string; planJson: string; digest: string; plannerVersion: string; deadline: number }): PublishedRound {
  return {
    id: r.id,
    url: r.uri,
    problem: JSON.parse(r.problemJson),
    plan: JSON.parse(r.planJson),
    digest: r.digest,
    plannerVersion: r.plannerVersion,
    deadline: new Date(r.deadline).toISOString(),
  };
}

async function fetchRound(url: string): Promise<PublishedRound | null> {
  try {
    const response = await fetch(url, { headers: { accept: "application/json" }, signal: AbortSignal.timeout(10_000) });
    if (!response.ok) return null;
    const r = (await response.json()) as PublishedRound;
    if (typeof r?.digest !== "string" || typeof r.problem !== "object" || typeof r.plan !== "object") return null;
    return r;
  } catch {
    return null;
  }
}
