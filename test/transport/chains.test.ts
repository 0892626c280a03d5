import t from "tap";
import { initialLegs } from "../../src/transport/capacity.js";
import { findChain, planSegments } from "../../src/transport/chains.js";
import type { KnownDeparture, KnownRoute } from "../../src/transport/route-graph.js";

const stop = (uri: string) => ({ uri, name: uri, lat: null, lon: null });
const route = (uri: string, driverUri: string, stops: string[], minutes: number[], withdrawn = false): KnownRoute => ({
  uri,
  driverUri,
  stops: stops.map(stop),
  legs: minutes.map((durationMinutes) => ({ distanceKm: 10, durationMinutes })),
  refrigerated: false,
  withdrawn,
});
const at = (iso: string) => Date.parse(iso);
const dep = (uri: string, routeUri: string, iso: string, legs: number, kg = 100): KnownDeparture => ({
  uri,
  routeUri,
  departsAt: at(iso),
  cancelled: false,
  legs: initialLegs(legs, kg, 10),
});
const q = {
  from: "a",
  to: "c",
  start: at("2026-12-01T00:00:00Z"),
  end: at("2026-12-05T00:00:00Z"),
  load: { weightKg: 20, volumeM3: 1 },
};

// X drives a → b in 2 h; Y drives b → c (one departure that connects, one that leaves too early).
const x = route("r-x", "X", ["a", "b"], [120]);
const y = route("r-y", "Y", ["b", "c"], [90]);
const base = [
  dep("r-x/1", "r-x", "2026-12-02T07:00:00Z", 1),
  dep("r-y/early", "r-y", "2026-12-02T09:10:00Z", 1),
  dep("r-y/1", "r-y", "2026-12-02T10:00:00Z", 1),
];

t.test("two routes joined at b make a chain with a hand-over", async (t) => {
  const chain = findChain([x, y], base, q);
  t.ok(chain, "a chain is found");
  t.same(
    chain!.segments.map((s) => [s.departure, s.driver, s.from, s.to]),
    [
      ["r-x/1", "X", "a", "b"],
      ["r-y/1", "Y", "b", "c"],
    ],
    "X to b, then Y from b (the 09:10 departure leaves before X arrives + 30 min)",
  );
  t.equal(
    new Date(chain!.arrivesAt).toISOString(),
    "2026-12-02T11:30:00.000Z",
    "arrival = departure + the legs ridden",
  );

  const plans = planSegments(chain!, [x, y], base, q);
  t.same(
    plans.map((p) => [p.from, p.to, p.ways.map((w) => w.departure)]),
    [
      ["a", "b", ["r-x/1"]],
      ["b", "c", ["r-y/1"]],
    ],
  );
  t.equal(plans[1]!.window.start, at("2026-12-02T10:00:00Z"), "segment 2's window holds only departures that connect");
});

t.test("the transfer time is configurable", async (t) => {
  const chain = findChain([x, y], base, q, { minTransferMinutes: 5 });
  t.equal(chain!.segments[1]!.departure, "r-y/early", "with 5 min the 09:10 departure connects and arrives earlier");
});

t.test("timing that does not connect is refused", async (t) => {
  const late = [dep("r-x/1", "r-x", "2026-12-02T09:00:00Z", 1), dep("r-y/1", "r-y", "2026-12-02T10:00:00Z", 1)];
  t.equal(findChain([x, y], late, q), null, "Y leaves b before X arrives there");
  const onTheDot = [dep("r-x/1", "r-x", "2026-12-02T07:30:00Z", 1), dep("r-y/1", "r-y", "2026-12-02T10:00:00Z", 1)];
  t.ok(findChain([x, y], onTheDot, q), "arrival + exactly the transfer time connects");
  const outside = [dep("r-x/1", "r-x", "2026-12-02T07:00:00Z", 1), dep("r-y/1", "r-y", "2026-12-05T00:00:01Z", 1)];
  t.equal(findChain([x, y], outside, q), null, "a segment leaving after the window end is not used");
});

t.test("a segment without room for the load is refused", async (t) => {
  const full = [dep("r-x/1", "r-x", "2026-12-02T07:00:00Z", 1), dep("r-y/1", "r-y", "2026-12-02T10:00:00Z", 1, 10)];
  t.equal(findChain([x, y], full, q), null, "Y's van has 10 kg left for 20 kg");
  const multi = route("r-m", "M", ["a", "d", "b"], [60, 60]);
  const partly = {
    ...dep("r-m/1", "r-m", "2026-12-02T06:00:00Z", 2),
    legs: [...initialLegs(1, 100, 10), { leg: 1, capacityKg: 100, capacityM3: 10, remainingKg: 5, remainingM3: 10 }],
  };
  t.equal(
    findChain([multi, y], [partly, dep("r-y/1", "r-y", "2026-12-02T10:00:00Z", 1)], q),
    null,
    "every ridden leg must have room",
  );
});

t.test("a single route is preferred when one covers the way", async (t) => {
  const direct = route("r-d", "D", ["a", "c"], [600]);
  const deps = [...base, dep("r-d/1", "r-d", "2026-12-02T08:00:00Z", 1)];
  const chain = findChain([x, y, direct], deps, q);
  t.same(
    chain!.segments.map((s) => s.departure),
    ["r-d/1"],
    "one segment, though it arrives later than the chain",
  );
});

t.test("fewest hand-overs, then earliest arrival; up to the segment limit", async (t) => {
  const z = route("r-z", "Z", ["b", "e"], [30]);
  const w = route("r-w", "W", ["e", "c"], [30]);
  const deps = [
    ...base,
    dep("r-z/1", "r-z", "2026-12-02T09:30:00Z", 1),
    dep("r-w/1", "r-w", "2026-12-02T10:30:00Z", 1),
  ];
  t.same(
    findChain([x, y, z, w], deps, q)!.segments.map((s) => s.driver),
    ["X", "Y"],
    "two segments beat three even if three arrive at 11:00",
  );
  const three = findChain([x, z, w], deps, q);
  t.same(
    three!.segments.map((s) => [s.from, s.to]),
    [
      ["a", "b"],
      ["b", "e"],
      ["e", "c"],
    ],
    "three segments when needed",
  );
  t.equal(findChain([x, z, w], deps, { ...q }, { maxSegments: 2 }), null, "but not beyond the limit");
  const y2 = route("r-y2", "Y2", ["b", "c"], [60]);
  const faster = [...base, dep("r-y2/1", "r-y2", "2026-12-02T10:00:00Z", 1)];
  t.equal(
    findChain([x, y, y2], faster, q)!.segments[1]!.driver,
    "Y2",
    "the earlier arrival wins among two-segment chains",
  );
});

t.test("the same input gives the same chain whatever its order", async (t) => {
  const y2 = route("r-a-twin", "T", ["b", "c"], [90]);
  const deps = [...base, dep("r-a-twin/1", "r-a-twin", "2026-12-02T10:00:00Z", 1)];
  const first = findChain([x, y, y2], deps, q);
  t.equal(first!.segments[1]!.departure, "r-a-twin/1", "equal arrivals: the smaller departure URI wins");
  for (let n = 0; n < 10; n++) {
    const shuffled = [...deps].sort(() => Math.random() - 0.5);
    t.same(
      findChain(
        [y2, y, x].sort(() => Math.random() - 0.5),
        shuffled,
        q,
      ),
      first,
    );
  }
});

t.test("withdrawn routes and cancelled departures are never used; no way backwards", async (t) => {
  t.equal(findChain([x, { ...y, withdrawn: true }], base, q), null);
  t.equal(
    findChain(
      [x, y],
      base.map((d) => (d.routeUri === "r-y" ? { ...d, cancelled: true } : d)),
      q,
    ),
    null,
  );
  t.equal(findChain([x, y], base, { ...q, from: "c", to: "a" }), null);
});

t.test("stays fast on a big graph", async (t) => {
  const routes: KnownRoute[] = [];
  const deps: KnownDeparture[] = [];
  for (let r = 0; r < 300; r++) {
    const stops = Array.from({ length: 6 }, (_, i) => `s${(r * 7 + i * 13) % 200}`);
    routes.push(route(`r${r}`, `d${r}`, [...new Set(stops)], Array(new Set(stops).size - 1).fill(45)));
    for (let day = 1; day <= 4; day++)
      deps.push(dep(`r${r}/${day}`, `r${r}`, `2026-12-0${day}T0${r % 10}:00:00Z`, new Set(stops).size - 1));
  }
  const started = performance.now();
  findChain(routes, deps, { ...q, from: "s0", to: "s199" });
  t.ok(performance.now() - started < 1000, "300 routes × 4 departures searched in under a second");
});
