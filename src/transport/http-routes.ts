import { Type } from "@fastify/type-provider-typebox";
import { Group } from "@fedify/vocab";
import { commitWithActivities } from "../federation/outbox.js";
import { requireAdmin } from "../http/auth.js";
import type { App, HttpDeps } from "../http/types.js";
import { HttpProblem } from "../lib/problem.js";
import { lookupActor } from "../network/follow-actor.js";
import { initialLegs } from "./capacity.js";
import { driverOf, requireDriver } from "./driver-auth.js";
import { createDriver, driverIdentifier, listDrivers, serializeDriver } from "./drivers.js";
import { followRoutePeers, PLANNING_HORIZON_DAYS, prepareRouteActivity, rollRoutesForward, routeGraphGrew } from "./federate.js";
import { buildRouteGraph, reachable, toGeoJson } from "./route-graph.js";
import { departureUri } from "./roll-forward.js";
import { checkSpec, type DepartureSpec, expandAll, WEEKDAYS } from "./schedule.js";
import { cancelDeparture, findDeparture, findRoute, graphInput, haulsOnRoute, listRoutes, loadSnapshot, type RouteSnapshot, saveRoute, type StoredStop, updateHaul, withdrawRoute } from "./store.js";

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
      const d = driverOf(request);
      const body = request.body;
      const now = new Date();
      if (body.legs.length !== body.stops.length - 1) {
        throw HttpProblem.invalid("legs", `needs one entry per leg: ${body.stops.length - 1} for ${body.stops.length} stops, got ${body.legs.length}`);
      }
      const seen = new Set<string>();
      body.stops.forEach((s, i) => {
        if (seen.has(s)) throw HttpProblem.invalid(`stops[${i}]`, "appears twice on the route");
        seen.add(s);
      });
      const specs = body.departures as DepartureSpec[];
      specs.forEach((spec, i) => {
        const problem = checkSpec(spec, `departures[${i}]`, now);
        if (problem) throw HttpProblem.invalid(problem.field, problem.reason);
      });
      const times = expandAll(specs, now, new Date(now.getTime() + PLANNING_HORIZON_DAYS * DAY));
      if (times.length === 0) throw HttpProblem.invalid("departures", `none falls within the next ${PLANNING_HORIZON_DAYS} days`);

      const ctx = deps.context();
      const stops = await Promise.all(body.stops.map((uri, i) => resolveStop(ctx, uri, i)));
      const uri = new URL(`/routes/${crypto.randomUUID()}`, config.origin).href;
      const route: RouteSnapshot = {
        uri,
        driverId: d.id,
        driverUri: actorOf(d.id),
        driverInbox: ctx.getInboxUri(driverIdentifier(d.id)).href,
        name: body.name,
        stops,
        legs: body.legs,
        schedule: specs,
        refrigerated: body.refrigerated ?? false,
        status: "active",
        departures: times.map((t) => ({
          uri: departureUri(uri, t),
          departsAt: t.getTime(),
          cancelled: false,
          legs: initialLegs(stops.length - 1, body.capacityKg, body.capacityM3),
        })),
      };
      const create = await prepareRouteActivity(ctx, "create", route, driverIdentifier(d.id));
      commitWithActivities(services, (emit) => {
        saveRoute(db, route);
        emit(create);
      });
      // Our own community on the route is joined to the others just as a remote one is.
      void followRoutePeers(ctx, stops).catch((err: unknown) => request.log.warn({ err }, "following route peers failed"));
      void routeGraphGrew(ctx);
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
      const d = driverOf(request);
      const row = findRoute(db, new URL(`/routes/${request.params.id}`, config.origin).href);
      if (!row) throw HttpProblem.of("notFound", `No route ${request.params.id}`);
      if (row.driverId !== d.id) throw HttpProblem.of("forbidden", "This route belongs to another driver.");
      if (row.status === "withdrawn") throw HttpProblem.of("conflict", "The route is already withdrawn.");
      const snapshot = loadSnapshot(db, row);
      const affected = haulsOnRoute(db, row.uri).filter((h) => h.status !== "received" && h.status !== "cancelled");
      const parties = affected.flatMap((h) => JSON.parse(h.partiesJson));
      const del = await prepareRouteActivity(deps.context(), "delete", snapshot, driverIdentifier(d.id), parties);
      commitWithActivities(services, (emit) => {
        withdrawRoute(db, row.uri);
        for (const h of affected) updateHaul(db, h.id, { flag: "route_withdrawn" });
        emit(del);
      });
      return reply.status(200).send({ ...serializeRoute({ ...snapshot, status: "withdrawn" }), flaggedHauls: affected.map((h) => h.uri) });
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
      const d = driverOf(request);
      const row = findRoute(db, new URL(`/routes/${request.params.id}`, config.origin).href);
      if (!row) throw HttpProblem.of("notFound", `No route ${request.params.id}`);
      if (row.driverId !== d.id) throw HttpProblem.of("forbidden", "This route belongs to another driver.");
      const depUri = `${row.uri}/departures/${request.params.departure}`;
      const dep = findDeparture(db, depUri);
      if (!dep) throw HttpProblem.of("notFound", `No departure ${request.params.departure} on this route`);
      if (dep.cancelled) throw HttpProblem.of("conflict", "The departure is already withdrawn.");
      const affected = haulsOnRoute(db, row.uri).filter((h) => h.departureUri === depUri && h.status !== "received" && h.status !== "cancelled");
      const parties = affected.flatMap((h) => JSON.parse(h.partiesJson));
      const before = loadSnapshot(db, row);
      const after = { ...before, departures: before.departures.map((x) => (x.uri === depUri ? { ...x, cancelled: true } : x)) };
      // The Update omits the cancelled departure: every receiver flags its hauls on it.
      const update = await prepareRouteActivity(deps.context(), "update", after, driverIdentifier(d.id), parties);
      commitWithActivities(services, (emit) => {
        cancelDeparture(db, depUri);
        for (const h of affected) updateHaul(db, h.id, { flag: "departure_withdrawn" });
        emit(update);
      });
      return { ...serializeRoute(after), flaggedHauls: affected.map((h) => h.uri) };
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

/** A stop must be a community (Group) actor we can fetch; anything else is refused, naming the stop. */
async function resolveStop(ctx: ReturnType<HttpDeps["context"]>, uri: string, i: number): Promise<StoredStop> {
  const { config } = ctx.data;
  if (uri === ctx.getActorUri(config.handle).href) {
    return {
      uri,
      name: config.name,
      lat: config.location?.lat ?? null,
      lon: config.location?.lon ?? null,
      inbox: ctx.getInboxUri(config.handle).href,
      sharedInbox: ctx.getInboxUri().href,
    };
  }
  const actor = await lookupActor(ctx, uri);
  if (actor === "unreachable") throw HttpProblem.of("unprocessable", `stops[${i}]: ${uri} could not be fetched`, { errors: [{ name: `stops[${i}]`, reason: "could not be fetched as an ActivityPub actor" }] });
  if (actor === "not-an-actor" || !(actor instanceof Group)) {
    throw HttpProblem.of("unprocessable", `stops[${i}]: ${uri} is not a community actor`, { errors: [{ name: `stops[${i}]`, reason: "is not a community (Group) actor" }] });
  }
  const place = await actor.getLocation().catch(() => null);
  const lat = place && "latitude" in place ? (place.latitude ?? null) : null;
  const lon = place && "longitude" in place ? (place.longitude ?? null) : null;
  return {
    uri: actor.id!.href,
    name: actor.name?.toString() ?? null,
    lat: typeof lat === "number" ? lat : null,
    lon: typeof lon === "number" ? lon : null,
    inbox: actor.inboxId!.href,
    sharedInbox: actor.endpoints?.sharedInbox?.href ?? null,
  };
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
