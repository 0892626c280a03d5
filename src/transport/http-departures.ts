import { Type } from "@fastify/type-provider-typebox";
import { commitWithActivities } from "../federation/outbox.js";
import type { App, HttpDeps } from "../http/types.js";
import { HttpProblem } from "../lib/problem.js";
import { initialLegs, resize } from "./capacity.js";
import { driverOf, requireDriver } from "./driver-auth.js";
import { driverIdentifier } from "./drivers.js";
import { PLANNING_HORIZON_DAYS, prepareRouteActivity, routeGraphGrew } from "./federate.js";
import { serializeRoute } from "./http-routes.js";
import { departureUri } from "./roll-forward.js";
import { checkSpec } from "./schedule.js";
import { findRoute, loadSnapshot, type RouteSnapshot, saveRoute } from "./store.js";

const DAY = 86_400_000;
/** A change is prepared (signed) before its transaction; if a haul booked room in between, prepare again. */
const ATTEMPTS = 3;

const RouteParams = Type.Object({ id: Type.String({ pattern: "^[0-9a-f-]{36}$" }) });
const DepartureParams = Type.Object({ id: RouteParams.properties.id, departure: Type.String({ pattern: "^\\d{8}T\\d{6}Z$" }) });
const Room = {
  capacityKg: Type.Optional(Type.Number({ minimum: 0, description: "room on every leg of this departure, kg" })),
  capacityM3: Type.Optional(Type.Number({ minimum: 0, description: "room on every leg of this departure, m³" })),
};

/**
 * Departures one by one: a driver adds a one-off departure to a route, or
 * resizes one departure's room (another vehicle that day), without
 * re-publishing the route from scratch. Each change is announced to the
 * communities on the route as an Update of it, in the same transaction.
 */
export function registerDepartureRoutes(app: App, deps: HttpDeps): void {
  const { services } = deps;
  const { db, config } = services;
  const driver = { preHandler: requireDriver(db) };

  const ownRoute = (request: { params: { id: string } } & Parameters<typeof driverOf>[0]) => {
    const d = driverOf(request);
    const row = findRoute(db, new URL(`/routes/${request.params.id}`, config.origin).href);
    if (!row) throw HttpProblem.of("notFound", `No route ${request.params.id}`);
    if (row.driverId !== d.id) throw HttpProblem.of("forbidden", "This route belongs to another driver.");
    if (row.status === "withdrawn") throw HttpProblem.of("conflict", "The route is withdrawn.");
    return { driver: d, row };
  };

  /** Re-reads the route, applies `change`, and saves it with its Update unless a concurrent change came first. */
  const publishChange = async (routeUri: string, driverId: string, change: (before: RouteSnapshot) => RouteSnapshot) => {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const before = loadSnapshot(db, findRoute(db, routeUri)!);
      const after = change(before);
      const update = await prepareRouteActivity(deps.context(), "update", after, driverIdentifier(driverId));
      const saved = commitWithActivities(services, (emit) => {
        const current = findRoute(db, routeUri);
        if (!current || JSON.stringify(loadSnapshot(db, current)) !== JSON.stringify(before)) return false;
        saveRoute(db, after);
        emit(update);
        return true;
      });
      if (saved) return after;
    }
    throw HttpProblem.of("conflict", "The route kept changing while this change was made; try again.");
  };

  app.post(
    "/api/driver/routes/:id/departures",
    {
      ...driver,
      schema: {
        tags: ["transport"],
        summary: "Add a one-off departure to a route, with its own room (the route's by default); the communities on it are told",
        params: RouteParams,
        body: Type.Object({ at: Type.String({ minLength: 1, maxLength: 64 }), ...Room }, { additionalProperties: false }),
      },
    },
    async (request, reply) => {
      const { driver: d, row } = ownRoute(request);
      const now = new Date();
      const problem = checkSpec({ at: request.body.at }, "body", now);
      if (problem) throw HttpProblem.invalid(problem.field.replace(/^body\./, ""), problem.reason);
      const at = new Date(Date.parse(request.body.at));
      if (at.getTime() > now.getTime() + PLANNING_HORIZON_DAYS * DAY) {
        throw HttpProblem.invalid("at", `is beyond the ${PLANNING_HORIZON_DAYS}-day planning horizon`);
      }
      const snapshot = loadSnapshot(db, row);
      const kg = request.body.capacityKg ?? snapshot.capacity?.kg ?? snapshot.departures[0]?.legs[0]?.capacityKg;
      const m3 = request.body.capacityM3 ?? snapshot.capacity?.m3 ?? snapshot.departures[0]?.legs[0]?.capacityM3;
      if (kg === undefined) throw HttpProblem.invalid("capacityKg", "is needed: the route has no room of its own to copy");
      if (m3 === undefined) throw HttpProblem.invalid("capacityM3", "is needed: the route has no room of its own to copy");
      const uri = departureUri(row.uri, at);
      if (snapshot.departures.some((x) => x.uri === uri)) throw HttpProblem.invalid("at", "the route already has a departure at that time");
      const after = await publishChange(row.uri, d.id, (before) => ({
        ...before,
        schedule: [...before.schedule, { at: at.toISOString() }],
        departures: [...before.departures, { uri, departsAt: at.getTime(), cancelled: false, legs: initialLegs(before.legs.length, kg, m3) }].sort(
          (a, b) => a.departsAt - b.departsAt,
        ),
      }));
      // Exchanges with a leg nobody carries get another look now that a departure is new.
      void routeGraphGrew(deps.context());
      return reply.status(201).header("location", uri).send(serializeRoute(after));
    },
  );

  app.patch(
    "/api/driver/routes/:id/departures/:departure",
    {
      ...driver,
      schema: {
        tags: ["transport"],
        summary: "Resize one departure's room; what is already booked stays (the room may not go below it)",
        params: DepartureParams,
        body: Type.Object(Room, { additionalProperties: false, minProperties: 1 }),
      },
    },
    async (request) => {
      const { driver: d, row } = ownRoute(request);
      const uri = `${row.uri}/departures/${request.params.departure}`;
      const check = (before: RouteSnapshot) => {
        const dep = before.departures.find((x) => x.uri === uri);
        if (!dep) throw HttpProblem.of("notFound", `No departure ${request.params.departure} on this route`);
        if (dep.cancelled) throw HttpProblem.of("conflict", "The departure is withdrawn.");
        if (dep.departsAt <= Date.now()) throw HttpProblem.of("conflict", "The departure has already left.");
        const resized = resize(dep.legs, request.body);
        if (!resized.ok) {
          const unit = resized.field === "capacityKg" ? "kg" : "m³";
          throw HttpProblem.invalid(resized.field, `${resized.booked} ${unit} is already booked on leg ${resized.leg + 1}; the room cannot go below it`);
        }
        return resized.legs;
      };
      check(loadSnapshot(db, row));
      const after = await publishChange(row.uri, d.id, (before) => ({
        ...before,
        departures: before.departures.map((x) => (x.uri === uri ? { ...x, legs: check(before) } : x)),
      }));
      return serializeRoute(after);
    },
  );
}
