import fc from "fast-check";
import t from "tap";
import { canAnswer, deriveExchange, type ExchangeEvent, type ProposalFacts } from "../../src/exchange/state.js";
import { roundForUnit } from "../../src/exchange/rounding.js";

const proposal: ProposalFacts = {
  supplier: "https://a.example/actors/a",
  receiver: "https://c.example/actors/c",
  resource: "https://a.example/resources/potato",
  quantity: 100,
  legs: [
    { id: "l1", from: "https://a.example/actors/a", to: "https://b.example/actors/b" },
    { id: "l2", from: "https://b.example/actors/b", to: "https://c.example/actors/c" },
  ],
  deadline: "2026-12-01T12:00:00.000Z",
  digest: "sha256-abc",
  plannerVersion: "tendril-planner/1.0.0",
};
const before = new Date("2026-11-30T00:00:00Z");
const after = new Date("2026-12-02T00:00:00Z");

const proposed: ExchangeEvent = { id: "e0", at: "2026-11-29T10:00:00.000Z", kind: "proposed", proposal };
const accept = (
  id: string,
  party: "supplier" | "receiver",
  quantity?: number,
  at = "2026-11-29T11:00:00.000Z",
): ExchangeEvent => ({
  id,
  at,
  kind: "answered",
  party,
  answer: "accept",
  ...(quantity === undefined ? {} : { quantity }),
});

t.test("both parties accept: the smaller quantity binds; agreement and delivery follow", async (t) => {
  const events: ExchangeEvent[] = [
    proposed,
    accept("e1", "supplier", 80),
    accept("e2", "receiver"),
    { id: "e3", at: "2026-11-29T12:00:00.000Z", kind: "agreed", quantity: 80 },
    { id: "e4", at: "2026-11-29T13:00:00.000Z", kind: "haulAccepted", leg: "l1", driver: "d1", departure: "dep1" },
    { id: "e5", at: "2026-11-29T14:00:00.000Z", kind: "pickedUp", quantity: 80 },
    { id: "e6", at: "2026-11-29T15:00:00.000Z", kind: "handedOver", stop: "https://b.example/actors/b", quantity: 80 },
    { id: "e7", at: "2026-11-29T16:00:00.000Z", kind: "delivered", quantity: 80 },
    { id: "e8", at: "2026-11-29T17:00:00.000Z", kind: "received", quantity: 76 },
  ];
  const steps = events.map((_, i) => deriveExchange(events.slice(0, i + 1), before).status);
  t.same(steps, [
    "proposed",
    "proposed",
    "proposed",
    "agreed",
    "agreed",
    "in_transit",
    "in_transit",
    "delivered",
    "received",
  ]);
  const view = deriveExchange(events, before);
  t.equal(view.acceptedQuantity, 80);
  t.equal(view.agreedQuantity, 80);
  t.equal(view.received, 76);
  t.equal(view.shortfall, 4, "a short count is recorded as a difference");
  t.same(view.legs[0], {
    id: "l1",
    from: proposal.legs[0]?.from,
    to: proposal.legs[0]?.to,
    driver: "d1",
    departure: "dep1",
    declinedBy: [],
    attempts: 0,
    unserved: null,
  });
});

t.test("a reject is final, whatever arrives around it", async (t) => {
  const reject: ExchangeEvent = {
    id: "r",
    at: "2026-11-29T11:30:00.000Z",
    kind: "answered",
    party: "receiver",
    answer: "reject",
    reason: "no storage",
  };
  const view = deriveExchange(
    [proposed, accept("a1", "supplier"), reject, accept("a2", "receiver", 50, "2026-11-29T11:45:00.000Z")],
    before,
  );
  t.equal(view.status, "rejected");
  t.equal(view.answers.receiver?.reason, "no storage");
});

t.test("answers after the deadline do not count, and an unanswered proposal lapses", async (t) => {
  const late = accept("late", "receiver", undefined, "2026-12-01T12:00:00.001Z");
  const view = deriveExchange([proposed, accept("a", "supplier"), late], after);
  t.equal(view.status, "lapsed");
  t.same(view.ignored, [{ id: "late", why: "answered after the deadline" }]);
  t.equal(canAnswer(view, after), false);
  t.equal(canAnswer(deriveExchange([proposed], before), before), true);
});

t.test("accepting more than proposed is not applied", async (t) => {
  const view = deriveExchange([proposed, accept("too-much", "supplier", 101)], before);
  t.equal(view.answers.supplier, null);
  t.equal(view.ignored[0]?.why, "accepted quantity outside (0, proposed]");
});

t.test("a driver's decline frees the leg for another driver", async (t) => {
  const view = deriveExchange(
    [
      proposed,
      { id: "h1", at: "2026-11-29T13:00:00.000Z", kind: "haulAccepted", leg: "l2", driver: "d1", departure: "x" },
      { id: "h2", at: "2026-11-29T13:10:00.000Z", kind: "haulDeclined", leg: "l2", driver: "d1" },
      { id: "h3", at: "2026-11-29T13:20:00.000Z", kind: "haulAccepted", leg: "l2", driver: "d2", departure: "y" },
    ],
    before,
  );
  t.match(view.legs[1], { driver: "d2", departure: "y", declinedBy: ["d1"] });
});

t.test("cancelling stops an exchange, but goods already received stay received", async (t) => {
  const cancel: ExchangeEvent = {
    id: "c",
    at: "2026-11-29T12:30:00.000Z",
    kind: "cancelled",
    by: proposal.supplier,
    reason: "flood",
  };
  t.equal(deriveExchange([proposed, accept("a", "supplier"), cancel], before).status, "cancelled");
  const received: ExchangeEvent = { id: "rcv", at: "2026-11-29T12:00:00.000Z", kind: "received", quantity: 10 };
  t.equal(deriveExchange([proposed, received, cancel], before).status, "received");
});

const eventArb: fc.Arbitrary<ExchangeEvent> = fc.oneof(
  fc
    .record({
      id: fc.string({ minLength: 1, maxLength: 4 }),
      at: fc
        .date({ min: new Date("2026-11-29T00:00:00Z"), max: new Date("2026-12-02T00:00:00Z"), noInvalidDate: true })
        .map((d) => d.toISOString()),
      kind: fc.constant("answered" as const),
      party: fc.constantFrom("supplier" as const, "receiver" as const),
      answer: fc.constantFrom("accept" as const, "reject" as const),
      quantity: fc.option(fc.integer({ min: -5, max: 120 }), { nil: undefined }),
    })
    .map((e) => (e.quantity === undefined ? { ...e, quantity: undefined } : e) as ExchangeEvent),
  fc.record({
    id: fc.string({ minLength: 1, maxLength: 4 }),
    at: fc
      .date({ min: new Date("2026-11-29T00:00:00Z"), max: new Date("2026-12-02T00:00:00Z"), noInvalidDate: true })
      .map((d) => d.toISOString()),
    kind: fc.constantFrom("haulAccepted" as const, "haulDeclined" as const),
    leg: fc.constantFrom("l1", "l2", "l3"),
    driver: fc.constantFrom("d1", "d2"),
    departure: fc.constantFrom("x", "y"),
  }) as fc.Arbitrary<ExchangeEvent>,
  fc.record({
    id: fc.string({ minLength: 1, maxLength: 4 }),
    at: fc
      .date({ min: new Date("2026-11-29T00:00:00Z"), max: new Date("2026-12-02T00:00:00Z"), noInvalidDate: true })
      .map((d) => d.toISOString()),
    kind: fc.constantFrom("agreed" as const, "pickedUp" as const, "delivered" as const, "received" as const),
    quantity: fc.integer({ min: 1, max: 100 }),
  }) as fc.Arbitrary<ExchangeEvent>,
);

t.test("duplicated and reordered events leave every party in the same state", async (t) => {
  t.doesNotThrow(
    () =>
      fc.assert(
        fc.property(
          fc.array(eventArb, { maxLength: 25 }),
          fc.integer(),
          fc.date({
            min: new Date("2026-11-29T00:00:00Z"),
            max: new Date("2026-12-03T00:00:00Z"),
            noInvalidDate: true,
          }),
          (events, seed, now) => {
            // Ids identify events: give each distinct id one meaning, as on the wire.
            const unique = [...new Map(events.map((e) => [e.id, e])).values()];
            const all = [proposed, ...unique];
            const shuffled = shuffle([...all, ...all.filter((_, i) => (seed >> i) & 1)], seed);
            const a = deriveExchange(all, now);
            const b = deriveExchange(shuffled, now);
            return JSON.stringify(a) === JSON.stringify(b);
          },
        ),
        { seed: 42, numRuns: 300 },
      ),
    "300 generated histories converge",
  );
});

function shuffle<T>(items: T[], seed: number): T[] {
  let s = seed >>> 0 || 1;
  for (let i = items.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) >>> 0;
    const j = s % (i + 1);
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

t.test("quantities round to the resource's unit, never up", async (t) => {
  t.equal(roundForUnit(12.98, "unit"), 12);
  t.equal(roundForUnit(3, "bed-night"), 3);
  t.equal(roundForUnit(12.98, "kg"), 12.9);
  t.equal(roundForUnit(0.04, "kg"), 0);
  t.equal(roundForUnit(-1, "kg"), 0);
  t.equal(roundForUnit(Number.NaN, "l"), 0);
});
