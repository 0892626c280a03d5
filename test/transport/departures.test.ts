import { desc } from "drizzle-orm";
import t from "tap";
import { outboxTable } from "../../src/db/schema/federation.js";
import { initialLegs, resize } from "../../src/transport/capacity.js";
import { rollForward } from "../../src/transport/roll-forward.js";
import { legsOf, loadSnapshot, findRoute, reserveLegs, type RouteSnapshot, saveRoute } from "../../src/transport/store.js";
import { buildTestApp } from "../helpers/test-app.js";

const DAY = 86_400_000;
const json = (auth: Record<string, string>, body: unknown) => ({ headers: { ...auth, "content-type": "application/json" }, payload: JSON.stringify(body) });
const at = (days: number, hour = 8) => {
  const d = new Date(Date.now() + days * DAY);
  d.setUTCHours(hour, 0, 0, 0);
  return d;
};
const compact = (d: Date) => d.toISOString().replace(/[-:]|\.\d+/g, "");

t.test("resize keeps what is booked and refuses to go below it", async (t) => {
  const legs = initialLegs(2, 100, 10).map((l) => (l.leg === 1 ? { ...l, remainingKg: 40, remainingM3: 6 } : l));
  const smaller = resize(legs, { capacityKg: 70 });
  t.ok(smaller.ok);
  if (smaller.ok) {
    t.same(smaller.legs.map((l) => [l.capacityKg, l.remainingKg, l.capacityM3, l.remainingM3]), [[70, 70, 10, 10], [70, 10, 10, 6]]);
  }
  t.same(resize(legs, { capacityKg: 59 }), { ok: false, field: "capacityKg", leg: 1, booked: 60 });
  t.same(resize(legs, { capacityM3: 3 }), { ok: false, field: "capacityM3", leg: 1, booked: 4 });
});

t.test("a departure resized by the driver does not change the room later departures roll forward with", async (t) => {
  const first = at(1);
  const route: RouteSnapshot = {
    uri: "https://a.example/routes/r",
    driverId: "d",
    driverUri: "https://a.example/actors/driver-d",
    driverInbox: "https://a.example/actors/driver-d/inbox",
    name: "weekly",
    stops: ["a", "b"].map((s) => ({ uri: s, name: s, lat: null, lon: null, inbox: null, sharedInbox: null })),
    legs: [{ distanceKm: 10, durationMinutes: 20 }],
    schedule: [{ weekly: { days: ["mo", "tu", "we", "th", "fr", "sa", "su"], time: "08:00", timeZone: "UTC", from: first.toISOString().slice(0, 10) } }],
    refrigerated: false,
    capacity: { kg: 500, m3: 8 },
    status: "active",
    departures: [{ uri: "https://a.example/routes/r/departures/x", departsAt: first.getTime(), cancelled: false, legs: initialLegs(1, 120, 2) }],
  };
  const next = rollForward(route, new Date(), 5);
  t.ok(next);
  const fresh = next!.departures.filter((d) => d.departsAt !== first.getTime());
  t.ok(fresh.length >= 3, "the horizon's departures were added");
  t.same(new Set(fresh.map((d) => d.legs[0]!.capacityKg)), new Set([500]), "new departures get the route's room, not the resized one's");
  t.equal(next!.departures.find((d) => d.departsAt === first.getTime())!.legs[0]!.capacityKg, 120, "the resized departure stays as it was");
});

t.test("drivers add departures with their own room and resize departures; the communities are told", async (t) => {
  const node = await buildTestApp(t);
  const { db, config } = node.services;
  const register = async (name: string) =>
    (await node.app.inject({ method: "POST", url: "/api/drivers", ...json(node.auth, { name, contact: "c", vehicles: [] }) })).json() as { id: string; token: string };
  const dana = await register("Dana");
  const eli = await register("Eli");
  const asDana = { authorization: `Bearer ${dana.token}` };
  const asEli = { authorization: `Bearer ${eli.token}` };
  const id = "0b6d3a38-1f7e-4c1e-9a55-2f3c9b8e1a10";
  const uri = `${config.origin}/routes/${id}`;
  const first = at(2);
  saveRoute(db, {
    uri,
    driverId: dana.id,
    driverUri: `${config.origin}/actors/driver-${dana.id}`,
    driverInbox: `${config.origin}/actors/driver-${dana.id}/inbox`,
    name: "valley run",
    stops: [
      { uri: `${config.origin}/actors/${config.handle}`, name: "here", lat: null, lon: null, inbox: null, sharedInbox: null },
      { uri: "https://b.example/actors/b", name: "B", lat: null, lon: null, inbox: "https://b.example/actors/b/inbox", sharedInbox: null },
      { uri: "https://c.example/actors/c", name: "C", lat: null, lon: null, inbox: "https://c.example/actors/c/inbox", sharedInbox: null },
    ],
    legs: [
      { distanceKm: 30, durationMinutes: 40 },
      { distanceKm: 25, durationMinutes: 35 },
    ],
    schedule: [{ at: first.toISOString() }],
    refrigerated: false,
    capacity: { kg: 800, m3: 12 },
    status: "active",
    departures: [{ uri: `${uri}/departures/${compact(first)}`, departsAt: first.getTime(), cancelled: false, legs: initialLegs(2, 800, 12) }],
  });
  const lastUpdate = () => db.select().from(outboxTable).orderBy(desc(outboxTable.seq)).limit(1).get();
  const add = (auth: Record<string, string>, body: unknown, route = id) =>
    node.app.inject({ method: "POST", url: `/api/driver/routes/${route}/departures`, ...json(auth, body) });

  const extra = at(3, 14);
  const added = await add(asDana, { at: extra.toISOString(), capacityKg: 300 });
  t.equal(added.statusCode, 201, "a one-off departure is added");
  const extraUri = `${uri}/departures/${compact(extra)}`;
  t.equal(added.headers.location, extraUri);
  t.same(legsOf(db, [extraUri]).get(extraUri)!.map((l) => [l.capacityKg, l.remainingKg, l.capacityM3]), [[300, 300, 12], [300, 300, 12]], "its own kg, the route's m³");
  const update = lastUpdate()!;
  t.equal(update.activityType, "Update", "the route is announced again");
  t.same(JSON.parse(update.audienceJson).actors.map((a: { id: string }) => a.id).sort(), ["https://b.example/actors/b", "https://c.example/actors/c"], "to the communities on it");
  t.match(update.activityJson, extraUri.split("/").pop()!, "the Update carries the new departure");
  t.equal((await node.app.inject({ url: "/api/route-graph?days=7" })).json().edges.length > 0, true);

  const outboxBefore = db.select().from(outboxTable).all().length;
  const past = await add(asDana, { at: new Date(Date.now() - DAY).toISOString() });
  t.equal(past.statusCode, 400);
  t.same(past.json().errors, [{ name: "at", reason: "is in the past" }]);
  t.equal((await add(asDana, { at: extra.toISOString() })).json().errors[0].name, "at", "a second departure at the same time");
  t.match((await add(asDana, { at: at(60).toISOString() })).json().errors[0].reason, /horizon/);
  t.equal((await add(asDana, { at: extra.toISOString(), capacityKg: -5 })).statusCode, 400, "negative room");
  t.equal((await add(asEli, { at: at(4).toISOString() })).statusCode, 403, "not another driver's route");
  t.equal((await add(asDana, { at: at(4).toISOString() }, "0b6d3a38-1f7e-4c1e-9a55-000000000000")).statusCode, 404);
  t.equal(db.select().from(outboxTable).all().length, outboxBefore, "refused changes publish nothing");

  // Book 250 kg on the first leg of the first departure, then resize that departure.
  const firstUri = `${uri}/departures/${compact(first)}`;
  t.ok(reserveLegs(db, firstUri, { fromLeg: 0, toLeg: 0 }, { weightKg: 250, volumeM3: 2 }));
  const patch = (auth: Record<string, string>, body: unknown, dep = compact(first)) =>
    node.app.inject({ method: "PATCH", url: `/api/driver/routes/${id}/departures/${dep}`, ...json(auth, body) });
  const tooSmall = await patch(asDana, { capacityKg: 200 });
  t.equal(tooSmall.statusCode, 400);
  t.same(tooSmall.json().errors, [{ name: "capacityKg", reason: "250 kg is already booked on leg 1; the room cannot go below it" }]);
  t.equal(legsOf(db, [firstUri]).get(firstUri)![0]!.capacityKg, 800, "nothing changed");
  const resized = await patch(asDana, { capacityKg: 400 });
  t.equal(resized.statusCode, 200);
  t.same(legsOf(db, [firstUri]).get(firstUri)!.map((l) => [l.capacityKg, l.remainingKg, l.remainingM3]), [[400, 150, 10], [400, 400, 12]], "booked room kept, the rest follows the new size");
  t.equal(lastUpdate()!.activityType, "Update");
  t.equal(loadSnapshot(db, findRoute(db, uri)!).capacity?.kg, 800, "the route's own room is unchanged");
  t.equal((await patch(asDana, {})).statusCode, 400, "an empty change");
  t.equal((await patch(asEli, { capacityKg: 500 })).statusCode, 403);
  t.equal((await patch(asDana, { capacityKg: 500 }, "20990101T000000Z")).statusCode, 404);
  const withdrawn = await node.app.inject({ method: "DELETE", url: `/api/driver/routes/${id}/departures/${compact(extra)}`, headers: asDana });
  t.equal(withdrawn.statusCode, 200);
  t.equal((await patch(asDana, { capacityKg: 500 }, compact(extra))).statusCode, 409, "a withdrawn departure is not resized");
});
