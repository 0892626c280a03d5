import t from "tap";
import type { ExchangeEvent, ProposalFacts } from "../../src/exchange/state.js";
import { addEvent, insertExchange } from "../../src/exchange/store.js";
import { exchangesFromStore } from "../../src/web/exchange-source.js";
import { buildTestApp } from "../helpers/test-app.js";

t.test("the dashboard lists what waits for our answer and what is agreed, from the exchange store", async (t) => {
  const node = await buildTestApp(t);
  const { db, config } = node.services;
  const self = `${config.origin}/actors/${config.handle}`;
  const other = "https://b.example/actors/b";
  const deadline = new Date(Date.now() + 86_400_000).toISOString();
  const proposal = (supplier: string, receiver: string, quantity: number): ProposalFacts => ({
    supplier,
    receiver,
    resource: "https://b.example/resources/flour",
    quantity,
    legs: [{ id: "leg-1", from: supplier, to: receiver, driver: "https://b.example/actors/driver-1" }],
    deadline,
    digest: "sha256:x",
    plannerVersion: "tendril-planner/1.1.0",
  });
  const add = (
    uri: string,
    supplier: string,
    receiver: string,
    quantity: number,
    events: Record<string, unknown>[],
  ) => {
    insertExchange(db, {
      uri,
      roundUri: "https://b.example/rounds/1",
      proposer: other,
      supplier,
      receiver,
      offerUri: `${uri}#offer`,
      needUri: `${uri}#need`,
      unit: "kg",
      kgPerUnit: 1,
      partiesJson: "[]",
    });
    const all = [{ kind: "proposed", proposal: proposal(supplier, receiver, quantity) }, ...events];
    all.forEach((e, i) => {
      addEvent(db, uri, other, {
        ...e,
        id: `${uri}#e${i}`,
        at: new Date(Date.now() - 1000 + i).toISOString(),
      } as ExchangeEvent);
    });
  };
  add("https://b.example/exchanges/waiting", other, self, 40, []);
  add("https://b.example/exchanges/answered", other, self, 10, [
    { kind: "answered", party: "receiver", answer: "accept" },
  ]);
  add("https://b.example/exchanges/moving", self, other, 25, [
    { kind: "answered", party: "supplier", answer: "accept" },
    { kind: "answered", party: "receiver", answer: "accept", quantity: 20 },
    { kind: "agreed", quantity: 20 },
    { kind: "pickedUp", quantity: 20 },
  ]);

  const view = exchangesFromStore(db, self);
  t.same(
    view.proposalsAwaitingAnswer().map((p) => [p.id, p.quantity, p.unit, p.from, p.to, p.legs[0]?.from]),
    [["https://b.example/exchanges/waiting", 40, "kg", other, self, other]],
    "only the proposal we have not answered yet",
  );
  t.same(
    view.agreementsInFlight().map((a) => [a.id, a.status, a.quantity, a.waitingFor]),
    [
      ["https://b.example/exchanges/answered", "proposed", 10, other],
      ["https://b.example/exchanges/moving", "in_transit", 20, null],
    ],
    "the one we answered (waiting for the other party) and the agreed one, with the agreed quantity and its progress",
  );
  t.match(view.planningRound(), { running: false, startPath: null, result: null });
});
