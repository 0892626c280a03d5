import type { FastifyRequest } from "fastify";
import type { Db } from "../db/client.js";
import type { DriverRow } from "../db/schema/transport.js";
import { HttpProblem } from "../lib/problem.js";
import { driverForToken } from "./drivers.js";

declare module "fastify" {
  interface FastifyRequest {
    driver?: DriverRow;
  }
}

/** preHandler for driver endpoints: `Authorization: Bearer <driver token>` → `request.driver`. */
export function requireDriver(db: Db) {
  return async (request: FastifyRequest) => {
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? "");
    if (!match?.[1]) throw HttpProblem.of("unauthorized", "Send the driver token as `Authorization: Bearer <token>`.");
    const driver = driverForToken(db, match[1]);
    if (!driver) throw HttpProblem.of("unauthorized", "The driver token is not valid.");
    request.driver = driver;
  };
}

/** The driver a preHandler resolved; handlers behind `requireDriver` always have one. */
export function driverOf(request: FastifyRequest): DriverRow {
  if (!request.driver) throw HttpProblem.of("unauthorized", "A driver token is required.");
  return request.driver;
}
