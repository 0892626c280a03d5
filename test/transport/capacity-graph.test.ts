import fc from "fast-check";
import t from "tap";
import { initialLegs, release, reserve, spanOf } from "../../src/transport/capacity.js";
import { applyHaulEvent, newHaul } from "../../src/transport/hauls.js";
import { buildRouteGraph, reachable, toGeoJson } from "../../src/transport/route-graph.js";

t.test("reserving takes capacity off exactly the legs of the span", async (t) => {
  const legs = initialLegs(3, 100, 10);
  const r = reserve(legs, { fromLeg: 0, toLeg: 1 }, { weightKg: 60, volumeM3: 2 });
  t.ok(r.ok);
  if (!r.ok) return;
  t.same(r.legs.map((l) => l.remainingKg), [40, 40, 100]);
  const again = reserve(r.legs, { fromLeg: 1, toLeg: 2 }, { weightKg: 50, volumeM3: 1 });
  t.same(again, { ok: false, leg: 1, remainingKg: 40, remainingM3: 8 }, "the first leg short of capacity is named");
  t.same(release(r.legs, { fromLeg: 0, toLeg: 1 }, { weightKg: 60, volumeM3: 2 }), legs, "release undoes reserve");
});

t.test("volume limits as well as weight", async (t) => {
  t.same(reserve(initialLegs(1, 100, 1), { fromLeg: 0, toLeg: 0 }, { weightKg: 1, volumeM3: 2 }).ok, false);
});

t.test("property: any sequence of reservations never takes a leg below zero", async (t) => {
  const check = () => fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat(3), fc.nat(3), fc.integer({ min: 0, max: 80 })), { maxLength: 30 }), (ops) => {
      let legs = initialLegs(4, 100, 100);
      let reserved = 0;
      for (const [a, b, kg] of ops) {
        const span = { fromLeg: Math.min(a, b), toLeg: Math.max(a, b) };
        const r = reserve(legs, span, { weightKg: kg, volumeM3: 0 });
        if (r.ok) {
          legs = r.legs;
          reserved += kg;
        }
      }
      return legs.every((l) => l.remainingKg >= 0 && l.remainingKg <= 100) && reserved >= 0;
    }),
  );
  t.doesNotThrow(check, "no counter-example found");
});

t.test("spanOf follows the direction of the route", async (t) => {
  t.same(spanOf(["a", "b", "c"], "a", "c"), { fromLeg: 0, toLeg: 1 });
  t.same(spanOf(["a", "b", "c"], "b", "c"), { fromLeg: 1, toLeg: 1 });
  t.equal(spanOf(["a", "b", "c"], "c", "a"), null, "a route does not run backwards");
  t.equal(spanOf(["a", "b", "c"], "x", "c"), null);
});

const stop = (uri: string, lat: number | null = null) => ({ uri, name: uri.toUpperCase(), lat, lon: lat === null ? null : lat + 1 });
const route = {
  uri: "r1",
  driverUri: "d1",
  stops: [stop("a", 10), stop("b", 11), stop("c")],
  legs: [
    { distanceKm: 40, durationMinutes: 50 },
    { distanceKm: 60, durationMinutes: 70 },
  ],
  refrigerated: false,
  withdrawn: false,
};
const dep = (uri: string, at: string, remaining = 100) => ({
  uri,
  routeUri: "r1",
  departsAt: Date.parse(at),
  cancelled: false,
  legs: initialLegs(2, 100, 10).map((l) => ({ ...l, remainingKg: remaining })),
});
const horizon = { from: new Date("2026-12-01T00:00:00Z"), until: new Date("2026-12-08T00:00:00Z") };

t.test("the route graph has a node per community and an edge per departure leg within the horizon", async (t) => {
  const g = buildRouteGraph([route], [dep("d1", "2026-12-02T07:00:00Z"), dep("d2", "2026-12-20T07:00:00Z")], horizon);
  t.same(g.nodes.map((n) => n.uri), ["a", "b", "c"]);
  t.same(
    g.edges.map((e) => [e.from, e.to, e.capacityKg, e.distanceKm]),
    [
      ["a", "b", 100, 40],
      ["b", "c", 100, 60],
    ],
    "the departure outside the horizon is left out",
  );
  t.same(buildRouteGraph([{ ...route, withdrawn: true }], [dep("d1", "2026-12-02T07:00:00Z")], horizon).edges, [], "withdrawn routes vanish");
});

t.test("reachable within N legs, skipping full legs", async (t) => {
  const g = buildRouteGraph([route], [dep("d1", "2026-12-02T07:00:00Z")], horizon);
  t.same(reachable(g, "a", 1), [{ uri: "b", legs: 1 }]);
  t.same(reachable(g, "a", 2), [
    { uri: "b", legs: 1 },
    { uri: "c", legs: 2 },
  ]);
  t.same(reachable(g, "c", 5), [], "legs are directed");
  const full = buildRouteGraph([route], [dep("d1", "2026-12-02T07:00:00Z", 0)], horizon);
  t.same(reachable(full, "a", 2), [], "a leg with no capacity left joins nothing");
});

t.test("GeoJSON has points and lines only where coordinates are known", async (t) => {
  const geo = toGeoJson(buildRouteGraph([route], [dep("d1", "2026-12-02T07:00:00Z")], horizon)) as any;
  t.equal(geo.type, "FeatureCollection");
  t.same(geo.features.map((f: any) => f.geometry.type), ["Point", "Point", "LineString"]);
  t.same(geo.features[2].geometry.coordinates, [[11, 10], [12, 11]], "GeoJSON order is [lon, lat]");
});

t.test("haul state machine: the full way, and a short count recorded as a difference", async (t) => {
  let s = newHaul(100);
  for (const e of [
    { type: "accept" as const },
    { type: "picked_up" as const, quantity: 100 },
    { type: "handed_over" as const, stop: "b" },
    { type: "delivered" as const, quantity: 95 },
    { type: "received" as const, quantity: 92 },
  ]) {
    const r = applyHaulEvent(s, e);
    t.ok(r.ok, e.type);
    if (r.ok) s = r.state;
  }
  t.same(s, { status: "received", quantity: 100, pickedUp: 100, delivered: 95, received: 92, difference: -8, handedOverAt: ["b"] });
  t.same(applyHaulEvent(newHaul(1), { type: "delivered", quantity: 1 }), { ok: false, reason: '"delivered" is not possible while the haul is open' });
  const back = applyHaulEvent({ ...newHaul(5), status: "accepted" }, { type: "withdraw" });
  t.equal(back.ok && back.state.status, "open", "a withdrawn acceptance returns the request to open");
  t.equal(applyHaulEvent({ ...newHaul(5), status: "picked_up" }, { type: "cancel" }).ok, false, "no cancelling goods on the road");
});
