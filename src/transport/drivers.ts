import { createHash, randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { type DriverRow, driversTable } from "../db/schema/transport.js";

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

export function hashDriverToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Registers a driver; the token is returned once and only its hash is kept. */
export function createDriver(db: Db, input: { name: string; contact: string; vehicles: readonly Vehicle[] }): { driver: DriverRow; token: string } {
  const id = randomBytes(5).toString("hex");
  const token = `drv_${randomBytes(24).toString("base64url")}`;
  const driver = db
    .insert(driversTable)
    .values({ id, name: input.name, contact: input.contact, vehiclesJson: JSON.stringify(input.vehicles), tokenHash: hashDriverToken(token) })
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

/** The driver a token belongs to (API Bearer token, also the driver's web login). */
export function driverForToken(db: Db, token: string): DriverRow | undefined {
  return db.select().from(driversTable).where(eq(driversTable.tokenHash, hashDriverToken(token))).get();
}
