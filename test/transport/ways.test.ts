import t from "tap";
import { initialLegs } from "../../src/transport/capacity.js";
import { findWays, fitsWindow } from "../../src/transport/ways.js";

const stop = (uri: string) => ({ uri, name: uri, lat: null, lon: null });
const leg = { distanceKm: 10, durationMinutes: 10 };
const routes = [
  { uri: "r1", driverUri: "d1", stops: ["a", "b", "c"].map(stop), legs: [leg, leg], refrigerated: false, withdrawn: false },
  { uri: "r2", driverUri: "d2", stops: ["a", "c"].map(stop), legs: [leg], refrigerated: false, withdrawn: false },
  { uri: "r3", driverUri: "d3", stops: ["a", "c"].map(stop), legs: [leg], refrigerated: false, withdrawn: true },
];
const at = (iso: string) => Date.parse(iso);
const departures = [
  { uri: "r1/1", routeUri: "r1", departsAt: at("2026-12-02T07:00:00Z"), cancelled: false, legs: initialLegs(2, 100, 10) },
  { uri: "r1/2", routeUri: "r1", departsAt: at("2026-12-09T07:00:00Z"), cancelled: false, legs: initialLegs(2, 100, 10) },
  { uri: "r2/1", routeUri: "r2", departsAt: at("2026-12-01T07:00:00Z"), cancelled: false, legs: initialLegs(1, 30, 10) },
  { uri: "r2/2", routeUri: "r2", departsAt: at("2026-12-03T07:00:00Z"), cancelled: true, legs: initialLegs(1, 100, 10) },
  { uri: "r3/1", routeUri: "r3", departsAt: at("2026-12-02T07:00:00Z"), cancelled: false, legs: initialLegs(1, 100, 10) },
];
const q = { from: "a", to: "c", start: at("2026-12-01T00:00:00Z"), end: at("2026-12-05T00:00:00Z"), load: { weightKg: 20, volumeM3: 1 } };

t.test("ways: departures in the window, on live routes, going the right way, with room", async (t) => {
  t.same(findWays(routes, departures, q).map((w) => [w.departure, w.driver, w.fromLeg, w.toLeg]), [
    ["r2/1", "d2", 0, 0],
    ["r1/1", "d1", 0, 1],
  ], "sorted by departure time; cancelled, withdrawn and out-of-window departures are left out");
  t.same(findWays(routes, departures, { ...q, load: { weightKg: 50, volumeM3: 1 } }).map((w) => w.departure), ["r1/1"], "too heavy for r2");
  t.same(findWays(routes, departures, { ...q, from: "b" }).map((w) => [w.departure, w.fromLeg, w.toLeg]), [["r1/1", 1, 1]]);
  t.same(findWays(routes, departures, { ...q, from: "c", to: "a" }), [], "no way backwards");
});

t.test("a window includes both ends", async (t) => {
  t.ok(fitsWindow(10, 10, 20));
  t.ok(fitsWindow(20, 10, 20));
  t.notOk(fitsWindow(21, 10, 20));
});
