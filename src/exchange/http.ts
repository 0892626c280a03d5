import { Type } from "@fastify/type-provider-typebox";
import { requireAdmin } from "../http/auth.js";
import type { App, HttpDeps } from "../http/types.js";
import { HttpProblem } from "../lib/problem.js";
import { PlannerTimeLimitError } from "../planning/off-thread.js";
import { haulStep } from "../transport/haul-actions.js";
import { listHauls } from "../transport/store.js";
import type { ExchangeActions } from "./actions.js";
import { fetchRound, publishedRound } from "./plan-checks.js";
import { emitExchangeEvent, newEventId, selfUri } from "./publish.js";
import { reconcile } from "./reconcile.js";
import type { RoundJobs } from "./round-actions.js";
import { PLANNER_TIME_LIMIT_HINT, verifyRound } from "./rounds.js";
import { findRound, listExchanges, viewOf } from "./store.js";

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64, pattern: "^[A-Za-z0-9-]+$" }) });

/** Rounds, exchange proposals and their answers; the public round documents. */
/** How many rounds' verification results a node keeps (oldest dropped first). */
const VERIFIED_ROUNDS_KEPT = 256;

/** A recomputation stopped at the planner's time limit: 503, saying so; any other failure as it is. */
function tooLong(err: unknown): never {
  if (err instanceof PlannerTimeLimitError)
    throw HttpProblem.of("unavailable", `${err.message}: the round was not checked (${PLANNER_TIME_LIMIT_HINT})`);
  throw err;
}

export function registerExchangeRoutes(app: App, deps: HttpDeps, exchange: { actions: ExchangeActions; rounds: RoundJobs }): void {
  const { actions, rounds } = exchange;
  const { services } = deps;
  const { db, config } = services;
  const admin = { preHandler: requireAdmin(db) };
  const tags = ["exchange"];
  const ctx = () => deps.context();

  const load = (id: string) => actions.load(id);
  const serialize = actions.serialize.bind(actions);

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
      // One round at a time per node, whether started here or from the dashboard.
      const started = rounds.start({ answerSeconds: request.body?.answerSeconds ?? 86_400, horizonDays: request.body?.horizonDays ?? 14 });
      if (!started.ok) throw HttpProblem.of("conflict", started.reason);
      const result = await started.done;
      if (!result.ok) throw HttpProblem.of(result.timedOut ? "unavailable" : "unprocessable", result.reason);
      return reply.status(201).header("location", result.round.url).send(result.round);
    },
  );

  app.get("/rounds/:id", { schema: { tags, summary: "A round, public: problem, plan, digest, planner version", params: IdParams } }, async (request) => {
    const r = findRound(db, request.params.id);
    if (!r) throw HttpProblem.of("notFound", `No round ${request.params.id}`);
    return publishedRound(r);
  });

  // A round never changes once published, so it is recomputed once however
  // often (or however many at once) anyone asks: this endpoint is public.
  const verified = new Map<string, Promise<Awaited<ReturnType<typeof verifyRound>>>>();
  app.get("/rounds/:id/verify", { schema: { tags, summary: "Recompute a round here and compare", params: IdParams } }, async (request) => {
    const r = findRound(db, request.params.id);
    if (!r) throw HttpProblem.of("notFound", `No round ${request.params.id}`);
    let check = verified.get(r.uri);
    if (!check) {
      if (verified.size >= VERIFIED_ROUNDS_KEPT) verified.delete(verified.keys().next().value!);
      check = verifyRound(publishedRound(r), config.plannerTimeLimit);
      verified.set(r.uri, check);
      // A round too large to recompute within the limit stays so: kept, so no caller starts it again.
      check.catch((err) => {
        if (!(err instanceof PlannerTimeLimitError)) verified.delete(r.uri);
      });
    }
    return { round: r.uri, ...(await check.catch(tooLong)) };
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
      return { round: request.body.url, ...(await verifyRound(round, config.plannerTimeLimit).catch(tooLong)) };
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
      const result = await actions.answer(load(request.params.id), { answer: "accept", quantity: request.body?.quantity });
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
    async (request) => actions.answer(load(request.params.id), { answer: "reject", reason: request.body.reason }),
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
}
