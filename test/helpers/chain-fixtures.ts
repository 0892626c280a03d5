/**
 * The small world of the one-node haul-chain tests: the test node's
 * community ("testville"), two remote communities b and c, a day two days
 * ahead to schedule departures in, the request for 40 kg of flour from
 * testville to c that the chain tests make, remote drivers' routes, what the
 * node sent, and a remote driver's decline as the inbox gets it.
 */
import { outboxTable } from "../../src/db/schema/federation.js";
import { onHaulEvent } from "../../src/federation/inbox/transport.js";
import { Delete } from "@fedify/vocab";
import { type HaulEventPayload, toHaulEventCreate } from "../../src/federation/mappers/haul.js";
import { initialLegs } from "../../src/transport/capacity.js";
import { saveRoute } from "../../src/transport/store.js";

export const self = "http://127.0.0.1:9/actors/testville";
export const b = "http://127.0.0.1:1/actors/b";
export const c = "http://127.0.0.1:2/actors/c";

/** A stop as a stored route holds it, named by its URI. */
export const stop = (uri: string) => ({ uri, name: uri, lat: null, lon: null, inbox: null, sharedInbox: null });

const day = new Date(Date.now() + 2 * 86_400_000);
day.setUTCHours(6, 0, 0, 0);
/** Epoch ms `hours` after 06:00 UTC two days from now. */
export const at = (hours: number) => day.getTime() + hours * 3_600_000;

/** The chain tests' haul request: 40 kg of flour from testville to c, within a day and a half around `at(0)`. */
export const flourRequest = {
  resource: "https://example.org/resources/flour",
  quantity: 40,
  unit: "kg",
  weightKg: 40,
  from: self,
  to: c,
  window: { start: new Date(at(-12)).toISOString(), end: new Date(at(24)).toISOString() },
};

/** An `inject` body with a JSON payload and these auth headers. */
export const json = (auth: Record<string, string>, body: unknown) => ({
  headers: { ...auth, "content-type": "application/json" },
  payload: JSON.stringify(body),
});

/** The actor of remote driver `n` (on one of a few remote origins). */
export const remoteDriver = (n: string) => `http://127.0.0.1:${(n.charCodeAt(0) % 7) + 1}/actors/driver-${n}`;

/** A remote driver's route `name` through `stops` (100 km, 2 h and 100 kg a leg), with one departure at `departsAt`. */
export function remoteRoute(
  db: Parameters<typeof saveRoute>[0],
  name: string,
  stops: string[],
  departsAt: number,
): void {
  const uri = `http://127.0.0.1:3/routes/${name}`;
  saveRoute(db, {
    uri,
    driverId: null,
    driverUri: remoteDriver(name),
    driverInbox: `${remoteDriver(name)}/inbox`,
    name,
    stops: stops.map(stop),
    legs: stops.slice(1).map(() => ({ distanceKm: 100, durationMinutes: 120 })),
    schedule: [],
    refrigerated: false,
    status: "active",
    departures: [
      { uri: `${uri}/departures/1`, departsAt, cancelled: false, legs: initialLegs(stops.length - 1, 100, 10) },
    ],
  });
}

/** Every activity the node has queued: its recipients and its JSON text. */
export const sentActivities = (db: any): { to: string[]; text: string }[] =>
  db
    .select()
    .from(outboxTable)
    .all()
    .map((o: any) => ({ to: JSON.parse(o.audienceJson).actors.map((a: any) => a.id), text: o.activityJson as string }));

/** A remote driver's haul event as the inbox gets it: delivered to the node's listener, asserted taken. */
async function eventFrom(t: any, ctx: unknown, event: HaulEventPayload, who: string, id: string): Promise<void> {
  const create = toHaulEventCreate(
    event,
    new URL(`http://127.0.0.1:3/activities/${id}`),
    new URL(`http://127.0.0.1:3/activities/${id}/note`),
    new URL(who),
    [self],
  );
  const note = await create.getObject();
  t.equal(await onHaulEvent(ctx as never, create, note as never), true);
}

/** Remote driver `who` declines `haul` (activity id `id`). */
export const declineFrom = (t: any, ctx: unknown, haul: string, who: string, id: string) =>
  eventFrom(t, ctx, { type: "decline", haul }, who, id);

/** The driver of remote route `name` (see remoteRoute) accepts `haul` on that route's departure. */
export const acceptOnRoute = (t: any, ctx: unknown, haul: string, name: string) =>
  eventFrom(
    t,
    ctx,
    { type: "accept", haul, departure: `http://127.0.0.1:3/routes/${name}/departures/1` },
    remoteDriver(name),
    `accept-${name}`,
  );

/** Its driver's Delete of remote route `name` (see remoteRoute). */
export const remoteRouteDelete = (name: string) =>
  new Delete({
    id: new URL(`http://127.0.0.1:3/activities/del-${name}`),
    actor: new URL(remoteDriver(name)),
    object: new URL(`http://127.0.0.1:3/routes/${name}`),
  });
