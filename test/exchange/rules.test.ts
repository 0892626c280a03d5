import "../../src/lib/runtime-shims.js";
import { Activity } from "@fedify/vocab";
import t from "tap";
import { checkAnswerRequest } from "../../src/exchange/negotiation.js";
import { deriveExchange, type ExchangeEvent, type ProposalFacts } from "../../src/exchange/state.js";
import { endReservation, insertExchange, reserve, reservedOn } from "../../src/exchange/store.js";
import { refusal } from "../../src/federation/inbox/exchange.js";
import { type ExchangeSetup, exchangeMessageOf, toExchangeActivity } from "../../src/federation/mappers/exchange.js";
import { buildTestApp } from "../helpers/test-app.js";

const P = "https://p.example/actors/p";
const S = "https://s.example/actors/s";
const R = "https://r.example/actors/r";
const X = "https://p.example/exchanges/1";
const facts: ProposalFacts = {
  supplier: S,
  receiver: R,
  resource: "https://p.example/resources/grain",
  quantity: 60,
  legs: [{ id: "https://d.example/routes/1/departures/1#leg-0", from: S, to: R, driver: "https://d.example/actors/driver-1" }],
  deadline: "2030-01-01T00:00:00.000Z",
  digest: "sha256:abc",
  plannerVersion: "tendril-planner/1.0.0",
};
const setup: ExchangeSetup = {
  round: "https://p.example/rounds/1",
  proposer: P,
  supplier: S,
  receiver: R,
  offer: "https://s.example/supply/o",
  need: "https://r.example/supply/n",
  unit: "kg",
  kgPerUnit: 1,
  parties: [{ id: S, inbox: `${S}/inbox`, sharedInbox: null }],
};
const proposed: ExchangeEvent = { id: `${X}#proposed`, at: "2029-01-01T00:00:00.000Z", kind: "proposed", proposal: facts };
const accept = (party: "supplier" | "receiver", quantity?: number): ExchangeEvent => ({
  id: `https://x/${party}`,
  at: "2029-01-02T00:00:00.000Z",
  kind: "answered",
  party,
  answer: "accept",
  ...(quantity === undefined ? {} : { quantity }),
});

const legRequested: ExchangeEvent = { id: `${X}#lr`, at: "2029-01-04T00:00:00.000Z", kind: "legRequested", leg: "l1", attempt: 2, haul: `${P}/hauls/h` };
const legUnserved: ExchangeEvent = { id: `${X}#lu`, at: "2029-01-05T00:00:00.000Z", kind: "legUnserved", leg: "l1", attempt: 2, reason: "every driver asked declined" };

t.test("who may make which exchange event", async (t) => {
  t.equal(refusal({ exchange: X, event: proposed, setup }, P, undefined), null, "the proposer proposes");
  t.match(refusal({ exchange: X, event: proposed, setup }, S, undefined), /only the proposer/);
  t.match(refusal({ exchange: X, event: proposed, setup: { ...setup, proposer: "https://evil.example/actors/p" } }, "https://evil.example/actors/p", undefined), /not its proposer's/);
  t.equal(refusal({ exchange: X, event: accept("supplier"), setup }, S, undefined) !== null, true, "an unknown exchange is first heard of from its proposer");
  const row = { uri: X, proposer: P, supplier: S, receiver: R } as never;
  t.equal(refusal({ exchange: X, event: accept("supplier") }, S, row), null, "the supplier answers as supplier");
  t.match(refusal({ exchange: X, event: accept("receiver") }, S, row), /not the receiver/, "but not as receiver");
  t.match(refusal({ exchange: X, event: accept("supplier") }, "https://other.example/actors/o", row), /not the supplier/, "a non-party does not answer");
  t.match(refusal({ exchange: X, event: { id: "e", at: "2029-01-03T00:00:00Z", kind: "agreed", quantity: 1 } }, S, row), /only the proposer/);
  t.match(refusal({ exchange: X, event: { id: "e", at: "2029-01-03T00:00:00Z", kind: "received", quantity: 1 } }, R, row), /haul step/, "execution steps come from hauls only");
  t.equal(refusal({ exchange: X, event: legUnserved }, P, row), null, "the proposer reports a leg nobody carries");
  t.match(refusal({ exchange: X, event: legRequested }, S, row), /only the proposer asks drivers/, "nobody else asks drivers for legs");
});

t.test("answer rules: party, state, deadline, quantity, once", async (t) => {
  const req = { self: S, supplier: S, receiver: R, answer: "accept" as const };
  const open = deriveExchange([proposed], new Date("2029-06-01"));
  t.equal(checkAnswerRequest(open, req, new Date("2029-06-01")), null);
  t.match(checkAnswerRequest(open, { ...req, self: P }, new Date("2029-06-01")), { status: "forbidden" });
  t.match(checkAnswerRequest(open, { ...req, quantity: 61 }, new Date("2029-06-01")), { status: "invalid", field: "quantity" });
  const late = new Date("2030-02-01");
  t.match(checkAnswerRequest(deriveExchange([proposed], late), req, late), { status: "conflict", detail: /deadline/ });
  const answered = deriveExchange([proposed, accept("supplier", 20)], new Date("2029-06-01"));
  t.match(checkAnswerRequest(answered, req, new Date("2029-06-01")), { status: "conflict", detail: /already answered/ });
  const both = deriveExchange([proposed, accept("supplier", 20), accept("receiver")], new Date("2029-06-01"));
  t.equal(both.acceptedQuantity, 20, "a partial accept binds");
});

t.test("reservations: never more than the offer, whatever the order of accepts", async (t) => {
  const node = await buildTestApp(t);
  const { db } = node.services;
  for (const uri of ["x1", "x2", "x3"]) {
    insertExchange(db, { uri, roundUri: "r", proposer: P, supplier: S, receiver: R, offerUri: "o", needUri: "n", unit: "kg", kgPerUnit: 1, partiesJson: "[]" });
  }
  t.ok(reserve(db, "x1", "o", 30, 50), "30 of 50");
  t.notOk(reserve(db, "x2", "o", 25, 50), "25 more does not fit");
  t.ok(reserve(db, "x2", "o", 20, 50), "20 does");
  t.equal(reservedOn(db, "o"), 50);
  t.ok(reserve(db, "x1", "o", 10, 50), "shrinking an existing reservation");
  t.equal(reservedOn(db, "o"), 30);
  t.ok(endReservation(db, "x2", "released"));
  t.notOk(endReservation(db, "x2", "released"), "releasing twice changes nothing");
  t.notOk(reserve(db, "x2", "o", 5, 50), "a released reservation is not taken again");
  t.ok(reserve(db, "x3", "o", 40, 50));
  t.equal(reservedOn(db, "o"), 50);
});

t.test("every field of an exchange message survives Fedify's round trip", async (t) => {
  const node = await buildTestApp(t);
  const ctx = node.federation.createContext(new URL("http://127.0.0.1:9"), node.services);
  for (const event of [proposed, accept("supplier", 12.5), { ...accept("receiver"), answer: "reject" as const, reason: "no room" }, legRequested, legUnserved]) {
    const activity = toExchangeActivity({ exchange: X, event, setup }, { activity: new URL(`${X}/a/${event.id.length}`), actor: new URL(P), recipients: [S] }, facts, setup);
    const json = await activity.toJsonLd({ format: "compact", contextLoader: ctx.contextLoader });
    const back = await Activity.fromJsonLd(json, { contextLoader: ctx.contextLoader, documentLoader: ctx.documentLoader });
    t.same(await exchangeMessageOf(back), { exchange: X, event, setup }, `${event.kind} ${"answer" in event ? event.answer : ""}`);
  }
});

t.test("exchange API: bad input is refused with a clear problem", async (t) => {
  const node = await buildTestApp(t);
  const post = (url: string, payload: unknown) => node.app.inject({ method: "POST", url, headers: node.auth, payload: payload as object });
  t.equal((await post("/api/exchanges/nope/accept", {})).statusCode, 404);
  const unknown = await post("/api/rounds", { answerSeconds: 60, price: 3 });
  t.equal(unknown.statusCode, 400, "unknown fields are refused");
  t.equal((await post("/api/rounds", { answerSeconds: 1 })).statusCode, 400, "too short a deadline");
  t.equal((await post("/api/exchanges/x/reject", {})).statusCode, 400, "a reject needs a reason");
  t.equal((await node.app.inject({ method: "GET", url: "/rounds/missing" })).statusCode, 404);
  t.equal((await node.app.inject({ method: "GET", url: "/api/exchanges" })).statusCode, 401, "the exchange API needs the admin");
  const empty = await post("/api/rounds", {});
  t.equal(empty.statusCode, 201, "a round over an empty view");
  t.same(empty.json().exchanges, []);
  const pub = await node.app.inject({ method: "GET", url: new URL(empty.json().url).pathname });
  t.equal(pub.json().digest, empty.json().digest, "the round is public");
  t.match((await node.app.inject({ method: "GET", url: `${new URL(empty.json().url).pathname}/verify` })).json(), { ok: true });
});
