import { Type } from "@fastify/type-provider-typebox";
import type { App, HttpDeps } from "../http/types.js";
import { addDeparture, resizeDeparture } from "./departure-actions.js";
import { driverOf, requireDriver } from "./driver-auth.js";
import { serializeRoute } from "./http-routes.js";

const RouteParams = Type.Object({ id: Type.String({ pattern: "^[0-9a-f-]{36}$" }) });
const DepartureParams = Type.Object({
  id: RouteParams.properties.id,
  departure: Type.String({ pattern: "^\\d{8}T\\d{6}Z$" }),
});
const Room = {
  capacityKg: Type.Optional(Type.Number({ minimum: 0, description: "room on every leg of this departure, kg" })),
  capacityM3: Type.Optional(Type.Number({ minimum: 0, description: "room on every leg of this departure, m³" })),
};

/**
 * Departures one by one over the JSON API: a thin layer over the use cases
 * in `departure-actions.ts`, which the driver's pages share.
 */
export function registerDepartureRoutes(app: App, deps: HttpDeps): void {
  const driver = { preHandler: requireDriver(deps.services.db) };

  app.post(
    "/api/driver/routes/:id/departures",
    {
      ...driver,
      schema: {
        tags: ["transport"],
        summary:
          "Add a one-off departure to a route, with its own room (the route's by default); the communities on it are told",
        params: RouteParams,
        body: Type.Object(
          { at: Type.String({ minLength: 1, maxLength: 64 }), ...Room },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const { route, departure } = await addDeparture(deps, driverOf(request), request.params.id, request.body);
      return reply.status(201).header("location", departure).send(serializeRoute(route));
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
    async (request) =>
      serializeRoute(
        await resizeDeparture(deps, driverOf(request), request.params.id, request.params.departure, request.body),
      ),
  );
}
