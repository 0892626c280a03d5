import t from "tap";
import { initialLegs } from "../../src/transport/capacity.js";
import { decideReplan, departureGone, mayStrand, noCandidateLeft, type SegmentRow } from "../../src/transport/replan.js";
import type { KnownDeparture, KnownRoute } from "../../src/transport/route-graph.js";

const H = 3_600_000;
const stop = (uri: string) => ({ uri, name: uri, lat: null, lon: null });
const routes: KnownRoute[] = [];
const departures: KnownDeparture[] = [];
function route(name: string, stops: string[], departsAt: number, cancelled = false) {
  routes.push({
    uri: name,
    driverUri: `drv-${name}`,
    stops: stops.map(stop),
    legs: stops.slice(1).map(() => ({ distanceKm: 1, durationMinutes: 120 })),
    refrigerated: false,
    withdrawn: false,
  });
  departures.push({
    uri: `${name}/1`,
    routeUri: name,
    departsAt,
    cancelled,
    legs: initialLegs(stops.length - 1, 100, 10),
  });
}
route("x", ["O", "B"], 0);
route("y", ["B", "C"], 3 * H);
route("v", ["B", "E", "C"], 3 * H);
route("u", ["B", "D"], 3 * H);
route("s", ["D", "C"], 6 * H);
const seg = (i: number, from: string, to: string, drivers: string[], extra: Partial<SegmentRow> = {}): SegmentRow => ({
  uri: `h${i}`,
  status: "open",
  flag: null,
  fromUri: from,
  toUri: to,
  windowStart: 0,
  windowEnd: 10 * H,
  weightKg: 10,
  volumeM3: 0,
  driversJson: JSON.stringify(drivers.map((id) => ({ id, inbox: `${id}/inbox`, sharedInbox: null }))),
  driverUri: null,
  departureUri: null,
  chainIndex: i,
  chainLength: 2,
  ...extra,
});
const graph = { routes, departures };
const window = { start: -H, end: 10 * H };

t.test("a segment has no candidate left only when every candidate refused or cannot carry it", async (t) => {
  const s = seg(1, "B", "C", ["drv-y"]);
  t.equal(noCandidateLeft(s, new Set(), graph), false);
  t.equal(noCandidateLeft(s, new Set(["drv-y"]), graph), true);
  t.equal(noCandidateLeft({ ...s, status: "accepted" }, new Set(["drv-y"]), graph), false, "only open segments");
  const cancelled = { routes, departures: departures.map((d) => (d.routeUri === "y" ? { ...d, cancelled: true } : d)) };
  t.equal(noCandidateLeft(s, new Set(), cancelled), true, "a cancelled departure carries nothing");
});

t.test("the stuck last segment is replaced alone, with hand-overs of its own when needed", async (t) => {
  const rows = [
    seg(0, "O", "B", ["drv-x"], { status: "picked_up", driverUri: "drv-x", departureUri: "x/1" }),
    seg(1, "B", "C", ["drv-y"]),
  ];
  const only = { routes: routes.filter((r) => r.uri !== "v"), departures };
  const d = decideReplan(rows, new Map([["h1", new Set(["drv-y"])]]), only, window);
  t.equal(d.kind, "replace");
  if (d.kind !== "replace") return;
  t.same(d.supersede, ["h1"]);
  t.same([d.firstIndex, d.length], [1, 3], "two new segments take positions 1 and 2");
  t.same(
    d.chain.segments.map((s) => [s.from, s.to, s.driver]),
    [
      ["B", "D", "drv-u"],
      ["D", "C", "drv-s"],
    ],
  );
});

t.test(
  "a middle segment is replaced alone only by one departure; else the way is re-planned from the goods",
  async (t) => {
    const rows = [
      seg(0, "O", "B", ["drv-x"], { status: "delivered", driverUri: "drv-x", departureUri: "x/1", chainLength: 3 }),
      seg(1, "B", "E", ["drv-v"], { chainLength: 3 }),
      seg(2, "E", "C", ["drv-v"], { chainLength: 3 }),
    ];
    const d = decideReplan(rows, new Map([["h1", new Set(["drv-v"])]]), graph, window);
    t.equal(d.kind, "reroute");
    if (d.kind !== "reroute") return;
    t.equal(d.from, "B", "from where the goods are: segment 1 is delivered at B");
    t.same(d.supersede, ["h1", "h2"], "later segments nobody picked up are superseded");
    t.same([d.firstIndex, d.length], [1, 2]);
    t.same(
      d.chain.segments.map((s) => s.driver),
      ["drv-y"],
    );
  },
);

t.test("no way left: every open segment not yet flagged", async (t) => {
  const rows = [seg(0, "O", "B", ["drv-x"]), seg(1, "B", "C", ["drv-y"], { flag: "no_way" })];
  const d = decideReplan(rows, new Map([["h0", new Set(["drv-x"])]]), graph, window);
  t.same(d, { kind: "no_way", stuck: "h0", flag: ["h0"] });
  t.same(decideReplan(rows, new Map(), graph, window), { kind: "none" });
});

t.test("drivers who refused an earlier version of the same stretch are not asked again", async (t) => {
  const old = seg(1, "B", "C", ["drv-y"], { uri: "old", status: "cancelled", flag: "replanned" });
  const rows = [seg(0, "O", "B", ["drv-x"]), old, seg(1, "B", "C", ["drv-v"], { uri: "new" })];
  const refusals = new Map([
    ["old", new Set(["drv-y"])],
    ["new", new Set(["drv-v"])],
  ]);
  const d = decideReplan(rows, refusals, graph, window);
  t.equal(d.kind, "replace");
  if (d.kind !== "replace") return;
  t.same(d.supersede, ["new"], "the superseded row is not part of the chain any more");
  t.same(
    d.chain.segments.map((s) => s.driver),
    ["drv-u", "drv-s"],
    "neither Y nor V is asked again: via D instead",
  );
});

t.test("an accepted segment whose departure or route was withdrawn is stuck and replaced", async (t) => {
  const rows = [
    seg(0, "O", "B", ["drv-x"], { status: "picked_up", driverUri: "drv-x", departureUri: "x/1" }),
    seg(1, "B", "C", ["drv-y", "drv-v"], { status: "accepted", driverUri: "drv-y", departureUri: "y/1" }),
  ];
  t.equal(departureGone(rows[1]!, graph), false, "the departure is still there");
  t.same(decideReplan(rows, new Map(), graph, window), { kind: "none" }, "nothing to do while it is");
  const cancelled = { routes, departures: departures.map((d) => (d.uri === "y/1" ? { ...d, cancelled: true } : d)) };
  const withdrawn = { routes: routes.map((r) => (r.uri === "y" ? { ...r, withdrawn: true } : r)), departures };
  const dropped = { routes, departures: departures.filter((d) => d.uri !== "y/1") };
  for (const [why, g] of [
    ["departure withdrawn", cancelled],
    ["route withdrawn", withdrawn],
    ["departure no longer published", dropped],
  ] as const) {
    t.equal(departureGone(rows[1]!, g), true, why);
    const d = decideReplan(rows, new Map(), g, window);
    t.equal(d.kind, "replace", why);
    if (d.kind !== "replace") continue;
    t.same(d.supersede, ["h1"], `${why}: the stranded segment is superseded`);
    t.same(
      d.chain.segments.map((s) => s.driver),
      ["drv-v"],
      `${why}: another driver's departure takes it`,
    );
  }
  t.equal(departureGone({ ...rows[1]!, status: "picked_up" }, cancelled), false, "goods on board are not re-planned");
});

t.test("a stranded accepted segment with no other way is flagged no_way once", async (t) => {
  // Only the withdrawn route went from O: nothing else leaves there.
  const bare = {
    routes: routes.filter((r) => r.uri !== "x"),
    departures: departures.filter((d) => d.routeUri !== "x"),
  };
  const rows = [
    seg(0, "O", "C", ["drv-x"], { status: "accepted", driverUri: "drv-x", departureUri: "x/1", chainLength: 1 }),
  ];
  const d = decideReplan(rows, new Map(), bare, window);
  t.same(d, { kind: "no_way", stuck: "h0", flag: ["h0"] });
  t.same(decideReplan([{ ...rows[0]!, flag: "no_way" }], new Map(), bare, window), {
    kind: "no_way",
    stuck: "h0",
    flag: [],
  });
});

t.test("a driver's withdrawal needs a second look only at what that driver carries or may be asked to", async (t) => {
  const open = seg(0, "O", "B", ["drv-x", "drv-w"]);
  t.equal(mayStrand(open, "drv-x"), true, "an open segment with the driver among its candidates");
  t.equal(mayStrand(open, "drv-y"), false, "an open segment the driver was never asked for");
  const taken = seg(1, "B", "C", ["drv-y", "drv-v"], { status: "accepted", driverUri: "drv-y", departureUri: "y/1" });
  t.equal(mayStrand(taken, "drv-y"), true, "a segment the driver accepted");
  t.equal(mayStrand(taken, "drv-v"), false, "a segment another candidate accepted");
});
