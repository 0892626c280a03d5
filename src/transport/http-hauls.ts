import { Type } from "@fastify/type-provider-typebox";
import type { HaulRow } from "../db/schema/transport.js";
import type { HaulEventPayload } from "../federation/mappers/haul.js";
import { commitWithActivities } from "../federation/outbox.js";
import { requireAdmin } from "../http/auth.js";
import type { App, HttpDeps } from "../http/types.js";
import { HttpProblem } from "../lib/problem.js";
import { spanOf } from "./capacity.js";
import { driverIdentifier, driverOf, requireDriver } from "./drivers.js";
import { prepareHaulEvent, publishCapacity } from "./federate.js";
import { fieldsOf, releaseIfCarriedHere, stateOf } from "./haul-rows.js";
import { applyHaulEvent, type HaulEvent } from "./hauls.js";
import {
  claimHaul,
  findDeparture,
  findHaul,
  findRoute,
  hasDeclined,
  listHauls,
  listRoutes,
  loadSnapshot,
  recordDecline,
  reserveLegs,
  stopsOf,
  updateHaul,
} from "./store.js";
import { haulStepRecorded, haulStepSettled } from "./haul-observers.js";
import { requestHaul } from "./request-haul.js";
import { fitsWindow } from "./ways.js";

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
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
        summary: "Request a haul: sent to every driver whose departures cover the way",
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
      const result = await requestHaul(deps.context(), {
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
      const { haul: saved, ways } = result;
      return reply.status(201).send({ ...serializeHaul(saved), ways });
    },
  );

  app.get("/api/hauls", { ...admin, schema: { tags: ["transport"], summary: "Haul requests this node knows" } }, async () => ({
    items: listHauls(db).map(serializeHaul),
  }));

  app.get("/api/hauls/:id", { ...admin, schema: { tags: ["transport"], summary: "One haul request", params: IdParams } }, async (request) => {
    const h = findHaul(db, request.params.id);
    if (!h) throw HttpProblem.of("notFound", `No haul request ${request.params.id}`);
    return serializeHaul(h);
  });

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

  // ── the driver's side ──────────────────────────────────────────────────────

  app.get("/api/driver/hauls", { ...driver, schema: { tags: ["transport"], summary: "Open haul requests that fit the driver's routes, and the driver's own hauls" } }, async (request) => {
    const d = driverOf(request);
    const me = deps.context().getActorUri(driverIdentifier(d.id)).href;
    const mine = listRoutes(db, { driverId: d.id }).filter((r) => r.status === "active").map((r) => loadSnapshot(db, r));
    const open = [];
    const accepted = [];
    for (const h of listHauls(db)) {
      if (h.driverUri === me) accepted.push(serializeHaul(h));
      if (h.status !== "open" || hasDeclined(db, h.uri, d.id)) continue;
      const fits = mine.flatMap((r) => {
        const span = spanOf(r.stops.map((s) => s.uri), h.fromUri, h.toUri);
        if (!span) return [];
        return r.departures
          .filter((dep) => !dep.cancelled && fitsWindow(dep.departsAt, h.windowStart, h.windowEnd))
          .filter((dep) => dep.legs.every((l) => l.leg < span.fromLeg || l.leg > span.toLeg || (l.remainingKg >= h.weightKg && l.remainingM3 >= h.volumeM3)))
          .map((dep) => ({ route: r.uri, departure: dep.uri, departsAt: new Date(dep.departsAt).toISOString(), ...span }));
      });
      if (fits.length > 0) open.push({ ...serializeHaul(h), fits });
    }
    return { open, accepted };
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
    async (request) => {
      const d = driverOf(request);
      const h = findHaul(db, request.params.id);
      if (!h) throw HttpProblem.of("notFound", `No haul request ${request.params.id}`);
      const dep = findDeparture(db, request.body.departure);
      if (!dep) throw HttpProblem.invalid("departure", "is not a departure known here");
      const route = findRoute(db, dep.routeUri)!;
      if (route.driverId !== d.id) throw HttpProblem.of("forbidden", "This departure belongs to another driver's route.");
      if (route.status !== "active" || dep.cancelled) throw HttpProblem.of("conflict", "This departure is withdrawn.");
      const span = spanOf(stopsOf(route).map((s) => s.uri), h.fromUri, h.toUri);
      if (!span) throw HttpProblem.invalid("departure", "its route does not go from the haul's origin to its destination");
      if (!fitsWindow(dep.departsAt, h.windowStart, h.windowEnd)) throw HttpProblem.invalid("departure", "leaves outside the haul's window");
      if (h.status !== "open") throw HttpProblem.of("conflict", `The haul request is ${h.status}.`);
      const me = deps.context().getActorUri(driverIdentifier(d.id)).href;
      const event: HaulEventPayload = { type: "accept", haul: h.uri, departure: dep.uri, ...span };
      const accepted = { ...h, status: "accepted" as const, driverUri: me, departureUri: dep.uri, fromLeg: span.fromLeg, toLeg: span.toLeg };
      const activity = await prepareHaulEvent(deps.context(), accepted, event, driverIdentifier(d.id));
      const load = { weightKg: h.weightKg, volumeM3: h.volumeM3 };
      try {
        const claimed = commitWithActivities(services, (emit) => {
          // Both guarded UPDATEs in one transaction: a lost race changes nothing.
          if (!claimHaul(db, h.id, { driverUri: me, departureUri: dep.uri, fromLeg: span.fromLeg, toLeg: span.toLeg })) return false;
          if (!reserveLegs(db, dep.uri, span, load)) throw new CapacityShort();
          emit(activity);
          haulStepRecorded(db, { haul: h, event, activityId: activity.id, actor: me });
          return true;
        });
        if (!claimed) throw HttpProblem.of("conflict", "The haul request was accepted by someone else meanwhile.");
      } catch (error) {
        if (error instanceof CapacityShort) {
          throw HttpProblem.of("conflict", `Not enough capacity left on this departure for ${load.weightKg} kg / ${load.volumeM3} m³.`);
        }
        throw error;
      }
      void publishCapacity(deps.context(), route.uri).catch((err: unknown) => request.log.warn({ err }, "capacity update not sent"));
      await haulStepSettled(deps.context(), { haul: h, event, activityId: activity.id, actor: me });
      return serializeHaul(findHaul(db, h.id)!);
    },
  );

  app.post(
    "/api/driver/hauls/:id/decline",
    { ...driver, schema: { tags: ["transport"], summary: "Decline an open haul request (it stays open for other drivers)", params: IdParams } },
    async (request) => {
      const d = driverOf(request);
      const h = findHaul(db, request.params.id);
      if (!h) throw HttpProblem.of("notFound", `No haul request ${request.params.id}`);
      if (h.status !== "open") throw HttpProblem.of("conflict", `The haul request is ${h.status}.`);
      if (hasDeclined(db, h.uri, d.id)) return { ...serializeHaul(h), declined: true };
      recordDecline(db, h.uri, d.id);
      // Told to everyone concerned, so the requester can plan the leg with another driver or departure.
      await haulStep(deps, h, { type: "decline" }, driverIdentifier(d.id));
      return { ...serializeHaul(findHaul(db, h.id)!), declined: true };
    },
  );

  const driverStep = (type: "withdraw" | "picked_up" | "handed_over" | "delivered") => async (request: { params: { id: number }; body?: unknown; driver?: unknown }) => {
    const d = driverOf(request as never);
    const h = findHaul(db, request.params.id);
    if (!h) throw HttpProblem.of("notFound", `No haul request ${request.params.id}`);
    const me = deps.context().getActorUri(driverIdentifier(d.id)).href;
    if (h.driverUri !== me) throw HttpProblem.of("forbidden", "This haul is carried by another driver (or nobody yet).");
    const body = (request.body ?? {}) as { quantity?: number; stop?: string };
    const event: HaulEvent =
      type === "withdraw"
        ? { type }
        : type === "handed_over"
          ? { type, stop: body.stop! }
          : { type, quantity: body.quantity! };
    return step(h, event, driverIdentifier(d.id));
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

  const step = (h: HaulRow, event: HaulEvent, sender: string) => haulStep(deps, h, event, sender);
}

/** One step of a haul made here: state machine → local row (+ capacity) → activity to everyone concerned, in one transaction. */
export async function haulStep(deps: HttpDeps, h: HaulRow, event: HaulEvent, sender: string) {
  const { services } = deps;
  const { db } = services;
  const next = applyHaulEvent(stateOf(h), event);
  if (!next.ok) throw HttpProblem.of("conflict", next.reason);
  const payload: HaulEventPayload = { ...event, haul: h.uri };
  const activity = await prepareHaulEvent(deps.context(), h, payload, sender);
  let released: string | null = null;
  commitWithActivities(services, (emit) => {
    const current = findHaul(db, h.id)!;
    if (current.status !== h.status) throw HttpProblem.of("conflict", "The haul changed meanwhile; try again.");
    updateHaul(db, h.id, fieldsOf(next.state, event));
    released = releaseIfCarriedHere(db, h, event);
    emit(activity);
    haulStepRecorded(db, { haul: h, event: payload, activityId: activity.id, actor: deps.context().getActorUri(sender).href });
  });
  if (released) void publishCapacity(deps.context(), released).catch((err: unknown) => services.log.warn({ err }, "capacity update not sent"));
  await haulStepSettled(deps.context(), { haul: h, event: payload, activityId: activity.id, actor: deps.context().getActorUri(sender).href });
  return serializeHaul(findHaul(db, h.id)!);
}

class CapacityShort extends Error {}

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
    updatedAt: new Date(h.updatedAt).toISOString(),
  };
}
