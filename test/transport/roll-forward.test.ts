import t from "tap";
import { outboxTable } from "../../src/db/schema/federation.js";
import { rollRoutesForward } from "../../src/transport/federate.js";
import { departureUri, rollForward } from "../../src/transport/roll-forward.js";
import { expandAll } from "../../src/transport/schedule.js";
import { departuresOf, findRoute, loadSnapshot, type RouteSnapshot, saveRoute } from "../../src/transport/store.js";
import { buildTestApp } from "../helpers/test-app.js";

const DAY = 86_400_000;
const published = new Date("2026-12-01T06:00:00Z");
const schedule = [
  { weekly: { days: ["mo", "th"], time: "07:30", timeZone: "Europe/Rome", from: "2026-12-01" } },
] as const;

function route(overrides: Partial<RouteSnapshot> = {}): RouteSnapshot {
  const uri = "http://127.0.0.1:9/routes/r1";
  const times = expandAll(schedule as never, published, new Date(published.getTime() + 28 * DAY));
  return {
    uri,
    driverId: "d1",
    driverUri: "http://127.0.0.1:9/actors/driver-d1",
    driverInbox: "http://127.0.0.1:9/actors/driver-d1/inbox",
    name: "Via Emilia",
    stops: [
      {
        uri: "http://127.0.0.1:9/actors/testville",
        name: "Testville",
        lat: 44.5,
        lon: 11.3,
        inbox: null,
        sharedInbox: null,
      },
      {
        uri: "https://b.example/actors/b",
        name: "B",
        lat: 44.8,
        lon: 10.3,
        inbox: "https://b.example/inbox",
        sharedInbox: null,
      },
    ],
    legs: [{ distanceKm: 95, durationMinutes: 70 }],
    schedule: schedule as never,
    refrigerated: false,
    status: "active",
    departures: times.map((at, i) => ({
      uri: departureUri(uri, at),
      departsAt: at.getTime(),
      cancelled: false,
      // The first departure already carries a haul: its remaining room must survive the roll.
      legs: [
        { leg: 0, capacityKg: 800, capacityM3: 12, remainingKg: i === 0 ? 500 : 800, remainingM3: i === 0 ? 10 : 12 },
      ],
    })),
    ...overrides,
  };
}

t.test(
  "a weekly route gains the departures that came into the horizon, with full room; booked ones stay as they are",
  async (t) => {
    const before = route();
    t.equal(before.departures.length, 8, "four weeks of Mondays and Thursdays when published");
    const later = new Date(published.getTime() + 14 * DAY);
    const next = rollForward(before, later, 28);
    t.ok(next);
    const added = next!.departures.slice(before.departures.length);
    t.equal(added.length, 4, "two more weeks of departures");
    t.ok(
      added.every(
        (d) => d.departsAt > before.departures.at(-1)!.departsAt && d.departsAt <= later.getTime() + 28 * DAY,
      ),
    );
    t.ok(
      added.every((d) => d.legs[0]?.remainingKg === 800 && d.legs[0]?.remainingM3 === 12),
      "new departures have all their room",
    );
    t.same(next!.departures[0], before.departures[0], "the booked departure keeps its remaining room");
    t.equal(rollForward(next!, later, 28), null, "rolling again adds nothing");
  },
);

t.test("withdrawn routes and other nodes' routes are not rolled here", async (t) => {
  const later = new Date(published.getTime() + 14 * DAY);
  t.equal(rollForward(route({ status: "withdrawn" }), later, 28), null);
  t.equal(rollForward(route({ driverId: null }), later, 28), null, "only the driver's home node extends a route");
});

t.test("the hourly job saves the new departures and announces the route again, in one transaction", async (t) => {
  const node = await buildTestApp(t);
  const { db } = node.services;
  saveRoute(db, route());
  const ctx = node.federation.createContext(new URL(node.services.config.origin), node.services);
  const grown = await rollRoutesForward(ctx, new Date(published.getTime() + 14 * DAY));
  t.equal(grown, 1);
  t.equal(departuresOf(db, "http://127.0.0.1:9/routes/r1").length, 12);
  const snapshot = loadSnapshot(db, findRoute(db, "http://127.0.0.1:9/routes/r1")!);
  t.equal(snapshot.departures[0]?.legs[0]?.remainingKg, 500, "the booked room is untouched");
  const updates = db
    .select()
    .from(outboxTable)
    .all()
    .filter((r) => r.activityType === "Update");
  t.equal(updates.length, 1, "one Update tells the communities on the route");
  t.equal(await rollRoutesForward(ctx, new Date(published.getTime() + 14 * DAY)), 0, "nothing new on a second pass");
});
