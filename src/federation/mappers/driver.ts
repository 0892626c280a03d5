import { type Endpoints, Person, type CryptographicKey, type Multikey } from "@fedify/vocab";
import type { DriverRow } from "../../db/schema/transport.js";
import { vehiclesOf } from "../../transport/drivers.js";
import { escapeHtml } from "../../web/html.js";

interface ActorCommon {
  readonly id: URL;
  readonly inbox: URL;
  readonly endpoints: Endpoints;
  readonly publicKey: CryptographicKey | null;
  readonly assertionMethods: Multikey[];
}

/** row → AP: a driver is a Person attributed to (and in the context of) its home community. */
export function toDriverPerson(driver: DriverRow, common: ActorCommon, community: URL): Person {
  const vehicles = vehiclesOf(driver)
    .map(
      (v) => `${escapeHtml(v.name)}: ${v.capacityKg} kg, ${v.capacityM3} m³${v.refrigerated ? ", refrigerated" : ""}`,
    )
    .join("; ");
  return new Person({
    ...common,
    preferredUsername: `driver-${driver.id}`,
    name: driver.name,
    summary: `Driver. Vehicles: ${vehicles || "none registered"}.`,
    attribution: community,
    contexts: [community],
    manuallyApprovesFollowers: true,
  });
}
