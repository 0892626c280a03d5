import { createHash, randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import type { FastifyRequest } from "fastify";
import type { Db } from "../db/client.js";
import { type DriverRow, driversTable } from "../db/schema/transport.js";
import { HttpProblem } from "../lib/problem.js";

export interface Vehicle {
  readonly name: string;
  readonly capacityKg: number;
  readonly capacityM3: number;
  readonly refrigerated: boolean;
}

/** Drivers are actors `driver-<id>` on their home node. */
export const DRIVER_PREFIX = "driver-";

export function driverIdentifier(id: string): string {
  return `${DRIVER_PREFIX}${id}`;
}

/** The driver id in an actor identifier, or null when it is not a driver's. */
export function driverIdOf(identifier: string): string | null {
  return identifier.startsWith(DRIVER_PREFIX) ? identifier.slice(DRIVER_PREFIX.length) : null;
}

function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Registers a driver; the token is returned once and only its hash is kept. */
export function createDriver(db: Db, input: { name: string; contact: string; vehicles: readonly Vehicle[] }): { driver: DriverRow; token: string } {
  const id = randomBytes(5).toString("hex");
  const token = `drv_${randomBytes(24).toString("base64url")}`;
  const driver = db
    .insert(driversTable)
    .values({ id, name: input.name, contact: input.contact, vehiclesJson: JSON.stringify(input.vehicles), tokenHash: hashToken(token) })
    .returning()
    .get();
  return { driver, token };
}

export function findDriver(db: Db, id: string): DriverRow | undefined {
  return db.select().from(driversTable).where(eq(driversTable.id, id)).get();
}

export function listDrivers(db: Db): DriverRow[] {
  return db.select().from(driversTable).all();
}

export function vehiclesOf(driver: DriverRow): Vehicle[] {
  return JSON.parse(driver.vehiclesJson) as Vehicle[];
}

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

/** The driver a token belongs to (API Bearer token, also the driver's web login). */
export function driverForToken(db: Db, token: string): DriverRow | undefined {
  return db.select().from(driversTable).where(eq(driversTable.tokenHash, hashToken(token))).get();
}

/** The driver a preHandler resolved; handlers behind `requireDriver` always have one. */
export function driverOf(request: FastifyRequest): DriverRow {
  if (!request.driver) throw HttpProblem.of("unauthorized", "A driver token is required.");
  return request.driver;
}

export function serializeDriver(driver: DriverRow, actorUri: string) {
  return {
    id: driver.id,
    actor: actorUri,
    name: driver.name,
    contact: driver.contact,
    vehicles: vehiclesOf(driver),
    createdAt: new Date(driver.createdAt).toISOString(),
  };
}
