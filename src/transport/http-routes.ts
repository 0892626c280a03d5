import { Type } from "@fastify/type-provider-typebox";
import { requireAdmin } from "../http/auth.js";
import type { App, HttpDeps } from "../http/types.js";
import { driverOf, requireDriver } from "./driver-auth.js";
import { createDriver, driverIdentifier, listDrivers, serializeDriver } from "./drivers.js";
import { rollRoutesForward } from "./federate.js";
import { publishRoute, type RouteInput, withdrawDriverDeparture, withdrawDriverRoute } from "./route-actions.js";
import { buildRouteGraph, reachable, toGeoJson } from "./route-graph.js";
import { WEEKDAYS } from "./schedule.js";
import { graphInput, listRoutes, loadSnapshot, type RouteSnapshot } from "./store.js";

const DAY = 86_400_000;
const Uri = Type.String({ minLength: 1, maxLength: 2048, format: "uri" });
const Vehicle = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    capacityKg: Type.Number({ minimum: 0 }),
    capacityM3: Type.Number({ minimum: 0 }),
    refrigerated: Type.Boolean({ default: false }),
  },
  { additionalProperties: false },
);
const Departure = Type.Union([
  Type.Object({ at: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false }),
  Type.Object(
    {
      weekly: Type.Object(
        {
          days: Type.Array(Type.Union(WEEKDAYS.map((d) => Type.Literal(d))), { minItems: 1, maxItems: 7, uniqueItems: true }),
          time: Type.String({ maxLength: 5 }),
          timeZone: Type.String({ minLength: 1, maxLength: 64 }),
          from: Type.String({ maxLength: 10 }),
          until: Type.Optional(Type.String({ maxLength: 10 })),
        },
        { additionalProperties: false },
      ),
    },
    { additionalProperties: false },
  ),
]);
const RouteBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    stops: Type.Array(Uri, { minItems: 2, maxItems: 30 }),
    legs: Type.Array(
      Type.Object({ distanceKm: Type.Number({ minimum: 0 }), durationMinutes: Type.Number({ minimum: 0 }) }, { additionalProperties: false }),
    ),
    capacityKg: Type.Number({ minimum: 0 }),
    capacityM3: Type.Number({ minimum: 0 }),
    refrigerated: Type.Optional(Type.Boolean()),
    departures: Type.Array(Departure, { minItems: 1, maxItems: 50 }),
  },
  { additionalProperties: false },
);
const RouteParams = Type.Object({ id: Type.String({ pattern: "^[0-9a-f-]{36}$" }) });

/** Drivers (registered by the admin), their routes (published by the driver) and the route graph (public). */
const ROLL_FORWARD_MS = 3_600_000;

export function registerTransportRoutes(app: App, deps: HttpDeps): void {
  const { services } = deps;
  const { db, config } = services;
  const admin = { preHandler: requireAdmin(db) };
  const driver = { preHandler: requireDriver(db) };
  const actorOf = (id: string) => deps.context().getActorUri(driverIdentifier(id)).href;

  // Recurring departures roll forward as days pass (at start, then hourly).
  const roll = () =>
    void rollRoutesForward(deps.context()).catch((err: unknown) => services.log.warn({ err }, "rolling routes forward failed"));
  const first = setTimeout(roll, 5_000);
  const hourly = setInterval(roll, ROLL_FORWARD_MS);
  first.unref();
  hourly.unref();
  app.addHook("onClose", async () => {
    clearTimeout(first);
    clearInterval(hourly);
  });

  app.post(
    "/api/drivers",
    {
      ...admin,
      schema: {
        tags: ["transport"],
        summary: "Register a driver of this community; the response shows the driver's API token once",
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 200 }),
            contact: Type.String({ minLength: 1, maxLength: 500 }),
            vehicles: Type.Array(Vehicle, { maxItems: 20 }),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const vehicles = request.body.vehicles.map((v) => ({ ...v, refrigerated: v.refrigerated ?? false }));
      const { driver: row, token } = createDriver(db, { ...request.body, vehicles });
      return reply.status(201).send({ ...serializeDriver(row, actorOf(row.id)), token });
    },
  );

  app.get("/api/drivers", { ...admin, schema: { tags: ["transport"], summary: "Drivers of this community" } }, async () => ({
    items: listDrivers(db).map((d) => serializeDriver(d, actorOf(d.id))),
  }));

  app.get("/api/driver", { ...driver, schema: { tags: ["transport"], summary: "The driver the token belongs to" } }, async (request) => {
    const d = driverOf(request);
    return serializeDriver(d, actorOf(d.id));
  });

  app.post(
    "/api/driver/routes",
    { ...driver, schema: { tags: ["transport"], summary: "Publish a route: notifies every community on it", body: RouteBody } },
    async (request, reply) => {
      const route = await publishRoute(deps, driverOf(request), request.body as RouteInput);
      return reply.status(201).send(serializeRoute(route));
    },
  );

  app.get("/api/driver/routes", { ...driver, schema: { tags: ["transport"], summary: "The driver's routes" } }, async (request) => ({
    items: listRoutes(db, { driverId: driverOf(request).id }).map((r) => serializeRoute(loadSnapshot(db, r))),
  }));

  app.delete(
    "/api/driver/routes/:id",
    {
      ...driver,
      schema: { tags: ["transport"], summary: "Withdraw a route: flags the haul requests on it and tells the communities", params: RouteParams },
    },
    async (request, reply) => {
      const { route, flaggedHauls } = await withdrawDriverRoute(deps, driverOf(request), request.params.id);
      return reply.status(200).send({ ...serializeRoute(route), flaggedHauls });
    },
  );

  app.delete(
    "/api/driver/routes/:id/departures/:departure",
    {
      ...driver,
      schema: {
        tags: ["transport"],
        summary: "Withdraw one departure: flags the haul requests on it; the route is re-published without it",
        params: Type.Object({ id: RouteParams.properties.id, departure: Type.String({ pattern: "^\\d{8}T\\d{6}Z$" }) }),
      },
    },
    async (request) => {
      const { route, flaggedHauls } = await withdrawDriverDeparture(deps, driverOf(request), request.params.id, request.params.departure);
      return { ...serializeRoute(route), flaggedHauls };
    },
  );

  const GraphQuery = Type.Object(
    { days: Type.Optional(Type.Integer({ minimum: 1, maximum: 366 })), format: Type.Optional(Type.Union([Type.Literal("json"), Type.Literal("geojson")])) },
    { additionalProperties: false },
  );
  const graphFor = (days = 7) => {
    const { routes, departures } = graphInput(db);
    const from = new Date();
    return buildRouteGraph(routes, departures, { from, until: new Date(from.getTime() + days * DAY) });
  };

  app.get(
    "/api/route-graph",
    { schema: { tags: ["transport"], summary: "The route graph for the coming planning cycle (JSON, or GeoJSON with format=geojson)", querystring: GraphQuery } },
    async (request, reply) => {
      const graph = graphFor(request.query.days);
      if (request.query.format === "geojson") return reply.type("application/geo+json").send(toGeoJson(graph));
      return graph;
    },
  );

  app.get(
    "/api/route-graph/reachable",
    {
      schema: {
        tags: ["transport"],
        summary: "Communities reachable from here (or `from`) within N legs",
        querystring: Type.Object(
          { legs: Type.Integer({ minimum: 1, maximum: 50 }), from: Type.Optional(Uri), days: Type.Optional(Type.Integer({ minimum: 1, maximum: 366 })) },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const from = request.query.from ?? deps.context().getActorUri(config.handle).href;
      return { from, legs: request.query.legs, items: reachable(graphFor(request.query.days), from, request.query.legs) };
    },
  );
}

export function serializeRoute(r: RouteSnapshot) {
  return {
    id: r.uri.split("/").at(-1),
    uri: r.uri,
    driver: r.driverUri,
    name: r.name,
    status: r.status,
    stops: r.stops.map(({ uri, name, lat, lon }) => ({ uri, name, lat, lon })),
    legs: r.legs,
    refrigerated: r.refrigerated,
    schedule: r.schedule,
    departures: r.departures.map((d) => ({ uri: d.uri, departsAt: new Date(d.departsAt).toISOString(), cancelled: d.cancelled, legs: d.legs })),
  };
}
