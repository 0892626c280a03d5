import { Type } from "@fastify/type-provider-typebox";
import type { HaulRow } from "../db/schema/transport.js";
import { requireAdmin } from "../http/auth.js";
import type { App, HttpDeps } from "../http/types.js";
import { HttpProblem } from "../lib/problem.js";
import { driverOf, requireDriver } from "./driver-auth.js";
import { acceptHaul, cancelChain, declineHaul, driverHauls, driverHaulStep, type DriverStep, haulStep } from "./haul-actions.js";
import type { HaulEvent } from "./hauls.js";
import { requestHaulOrChain } from "./federate-chain.js";
import { chainStatus } from "./hauls.js";
import { liveSegments } from "./replan.js";
import { findChainUri, findHaul, haulsInChain, listHauls } from "./store.js";
import type { Db } from "../db/client.js";
import type { ChainSegment } from "./chains.js";
import type { Way } from "./ways.js";

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const ChainParams = Type.Object({ id: Type.String({ pattern: "^[0-9a-f-]{36}$" }) });
const Uri = Type.String({ minLength: 1, maxLength: 2048, format: "uri" });

/** Haul requests: sent by a community's admin, answered and carried out by drivers, confirmed by the receiver. */
export function registerHaulRoutes(app: App, deps: HttpDeps): void {
  const { services } = deps;
  const { db, config } = services;
  const admin = { preHandler: requireAdmin(db) };
  const driver = { preHandler: requireDriver(db) };
  const self = () => deps.context().getActorUri(config.handle).href;

  app.post(
    "/api/hauls",
    {
      ...admin,
      schema: {
        tags: ["transport"],
        summary:
          "Request a haul: sent to every driver whose departures cover the way; when no single departure does, to the drivers of each segment of the best chain with hand-overs",
        body: Type.Object(
          {
            resource: Type.String({ minLength: 1, maxLength: 2048 }),
            quantity: Type.Number({ exclusiveMinimum: 0 }),
            unit: Type.String({ minLength: 1, maxLength: 32 }),
            weightKg: Type.Number({ exclusiveMinimum: 0 }),
            volumeM3: Type.Optional(Type.Number({ minimum: 0 })),
            from: Uri,
            to: Uri,
            window: Type.Object({ start: Type.String({ format: "date-time" }), end: Type.String({ format: "date-time" }) }, { additionalProperties: false }),
            reason: Type.Optional(Uri),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const b = request.body;
      const start = Date.parse(b.window.start);
      const end = Date.parse(b.window.end);
      if (end <= start) throw HttpProblem.invalid("window.end", "must be after window.start");
      if (end <= Date.now()) throw HttpProblem.invalid("window.end", "is in the past");
      if (b.from === b.to) throw HttpProblem.invalid("to", "must differ from from");
      const result = await requestHaulOrChain(deps.context(), {
        resource: b.resource,
        quantity: b.quantity,
        unit: b.unit,
        weightKg: b.weightKg,
        volumeM3: b.volumeM3,
        from: b.from,
        to: b.to,
        window: { start, end },
        reason: b.reason ?? null,
      });
      if (!result.ok) {
        throw HttpProblem.of("unprocessable", result.reason, { errors: [{ name: "to", reason: "no possible way in the route graph" }] });
      }
      const { haul: saved, ways, chain } = result;
      const timed = (w: Way | ChainSegment) =>
        "leavesAt" in w ? { ...w, leavesAt: new Date(w.leavesAt).toISOString(), arrivesAt: new Date(w.arrivesAt).toISOString() } : w;
      const segments = chain?.plans.map((p) => ({ from: p.from, to: p.to, ways: p.ways.map(timed) }));
      return reply.status(201).send({ ...serializeHaul(saved), ways: ways.map(timed), chain: chain ? { ...serializeChain(db, chain.uri), plan: segments } : null });
    },
  );

  app.get("/api/hauls", { ...admin, schema: { tags: ["transport"], summary: "Haul requests this node knows" } }, async () => ({
    items: listHauls(db).map(serializeHaul),
  }));

  app.get("/api/hauls/:id", { ...admin, schema: { tags: ["transport"], summary: "One haul request", params: IdParams } }, async (request) => {
    const h = findHaul(db, request.params.id);
    if (!h) throw HttpProblem.of("notFound", `No haul request ${request.params.id}`);
    return { ...serializeHaul(h), chain: h.chainUri ? serializeChain(db, h.chainUri) : null };
  });

  app.get(
    "/api/hauls/chains/:id",
    { ...admin, schema: { tags: ["transport"], summary: "A chain of segment hauls (a way with hand-overs), as this node knows it", params: ChainParams } },
    async (request) => {
      const uri = findChainUri(db, request.params.id);
      if (!uri) throw HttpProblem.of("notFound", `No haul chain ${request.params.id}`);
      return serializeChain(db, uri);
    },
  );

  app.post(
    "/api/hauls/:id/receipt",
    {
      ...admin,
      schema: {
        tags: ["transport"],
        summary: "The receiving community confirms the quantity received; a difference is recorded",
        params: IdParams,
        body: Type.Object({ quantity: Type.Number({ minimum: 0 }) }, { additionalProperties: false }),
      },
    },
    async (request) => {
      const h = findHaul(db, request.params.id);
      if (!h) throw HttpProblem.of("notFound", `No haul request ${request.params.id}`);
      if (h.toUri !== self()) throw HttpProblem.of("forbidden", "Only the receiving community confirms a haul.");
      return step(h, { type: "received", quantity: request.body.quantity }, config.handle);
    },
  );

  app.post(
    "/api/hauls/:id/cancel",
    {
      ...admin,
      schema: { tags: ["transport"], summary: "The requesting community cancels a haul nobody has picked up yet (capacity is released)", params: IdParams },
    },
    async (request) => {
      const h = findHaul(db, request.params.id);
      if (!h) throw HttpProblem.of("notFound", `No haul request ${request.params.id}`);
      if (h.requesterUri !== self()) throw HttpProblem.of("forbidden", "Only the requesting community cancels a haul request.");
      return step(h, { type: "cancel" }, config.handle);
    },
  );

  app.post(
    "/api/hauls/chains/:id/cancel",
    {
      ...admin,
      schema: {
        tags: ["transport"],
        summary: "The requesting community cancels every segment of a chain, in one go, while no goods are on the move",
        params: ChainParams,
      },
    },
    async (request) => {
      const uri = findChainUri(db, request.params.id);
      if (!uri) throw HttpProblem.of("notFound", `No haul chain ${request.params.id}`);
      const segments = haulsInChain(db, uri);
      if (segments.some((h) => h.requesterUri !== self())) throw HttpProblem.of("forbidden", "Only the requesting community cancels a chain.");
      await cancelChain(deps, segments, config.handle);
      return serializeChain(db, uri);
    },
  );

  // ── the driver's side ──────────────────────────────────────────────────────

  app.get("/api/driver/hauls", { ...driver, schema: { tags: ["transport"], summary: "Open haul requests that fit the driver's routes, and the driver's own hauls" } }, async (request) => {
    const lists = driverHauls(deps, driverOf(request));
    return {
      open: lists.open.map(({ haul, fits }) => ({
        ...serializeHaul(haul),
        fits: fits.map((f) => ({ route: f.route, departure: f.departure, departsAt: new Date(f.departsAt).toISOString(), fromLeg: f.fromLeg, toLeg: f.toLeg })),
      })),
      accepted: lists.accepted.map(serializeHaul),
    };
  });

  app.post(
    "/api/driver/hauls/:id/accept",
    {
      ...driver,
      schema: {
        tags: ["transport"],
        summary: "Accept a haul request on one of the driver's departures (capacity reserved atomically)",
        params: IdParams,
        body: Type.Object({ departure: Uri }, { additionalProperties: false }),
      },
    },
    async (request) => serializeHaul(await acceptHaul(deps, driverOf(request), request.params.id, request.body.departure)),
  );

  app.post(
    "/api/driver/hauls/:id/decline",
    { ...driver, schema: { tags: ["transport"], summary: "Decline an open haul request (it stays open for other drivers)", params: IdParams } },
    async (request) => ({ ...serializeHaul(await declineHaul(deps, driverOf(request), request.params.id)), declined: true }),
  );

  const driverStep = (type: "withdraw" | "picked_up" | "handed_over" | "delivered") => async (request: { params: { id: number }; body?: unknown; driver?: unknown }) => {
    const body = (request.body ?? {}) as { quantity?: number; stop?: string };
    const event: DriverStep =
      type === "withdraw"
        ? { type }
        : type === "handed_over"
          ? { type, stop: body.stop! }
          : { type, quantity: body.quantity! };
    return serializeHaul(await driverHaulStep(deps, driverOf(request as never), request.params.id, event));
  };
  const Quantity = Type.Object({ quantity: Type.Number({ minimum: 0 }) }, { additionalProperties: false });
  app.post("/api/driver/hauls/:id/withdraw", { ...driver, schema: { tags: ["transport"], summary: "Withdraw an acceptance: capacity is released and the request returns to the other drivers", params: IdParams } }, driverStep("withdraw"));
  app.post("/api/driver/hauls/:id/picked-up", { ...driver, schema: { tags: ["transport"], summary: "Goods picked up (quantity)", params: IdParams, body: Quantity } }, driverStep("picked_up"));
  app.post(
    "/api/driver/hauls/:id/handed-over",
    { ...driver, schema: { tags: ["transport"], summary: "Goods handed over at a stop", params: IdParams, body: Type.Object({ stop: Uri }, { additionalProperties: false }) } },
    driverStep("handed_over"),
  );
  app.post("/api/driver/hauls/:id/delivered", { ...driver, schema: { tags: ["transport"], summary: "Goods delivered (quantity)", params: IdParams, body: Quantity } }, driverStep("delivered"));

  const step = (h: HaulRow, event: HaulEvent, sender: string) => haulStep(deps, h, event, sender).then(serializeHaul);
}


export function serializeHaul(h: HaulRow) {
  return {
    id: h.id,
    uri: h.uri,
    requester: h.requesterUri,
    from: h.fromUri,
    to: h.toUri,
    resource: h.resource,
    quantity: h.quantity,
    unit: h.unit,
    weightKg: h.weightKg,
    volumeM3: h.volumeM3,
    window: { start: new Date(h.windowStart).toISOString(), end: new Date(h.windowEnd).toISOString() },
    reason: h.reason,
    status: h.status,
    driver: h.driverUri,
    departure: h.departureUri,
    pickedUp: h.pickedUp,
    delivered: h.delivered,
    received: h.received,
    difference: h.difference,
    handedOverAt: JSON.parse(h.handedOverJson) as string[],
    flag: h.flag,
    replacedBy: h.replacedBy,
    chain: h.chainUri ? { uri: h.chainUri, index: h.chainIndex, length: h.chainLength } : null,
    updatedAt: new Date(h.updatedAt).toISOString(),
  };
}

/** A chain with every segment this node knows: where the goods are handed over and how far each got. */
export function serializeChain(db: Db, uri: string) {
  // Segments superseded by a re-plan are no longer part of the chain (see replan.ts).
  const segments = liveSegments(haulsInChain(db, uri));
  const length = Math.max(0, ...segments.map((s) => s.chainLength ?? 0));
  const last = segments.length === length ? segments[length - 1] : undefined;
  return {
    uri,
    id: uri.slice(uri.lastIndexOf("/") + 1),
    length,
    status: chainStatus(segments, length),
    from: segments[0]?.chainIndex === 0 ? segments[0].fromUri : null,
    to: last?.toUri ?? null,
    handOvers: segments.filter((s) => s.chainIndex !== length - 1).map((s) => s.toUri),
    quantity: segments[0]?.quantity ?? null,
    received: last?.received ?? null,
    difference: last?.difference ?? null,
    segments: segments.map((s) => ({
      index: s.chainIndex,
      id: s.id,
      uri: s.uri,
      from: s.fromUri,
      to: s.toUri,
      status: s.status,
      driver: s.driverUri,
      departure: s.departureUri,
      window: { start: new Date(s.windowStart).toISOString(), end: new Date(s.windowEnd).toISOString() },
      pickedUp: s.pickedUp,
      delivered: s.delivered,
      received: s.received,
      difference: s.difference,
    })),
  };
}
