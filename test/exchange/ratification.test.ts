import t from "tap";
import { writePolicy } from "../../src/community/policy-store.js";
import { listVotes } from "../../src/community/vote-store.js";
import { addEvent, insertExchange } from "../../src/exchange/store.js";
import { call, DAY, manualClock, withMembers } from "../helpers/community.js";
import { buildTestApp } from "../helpers/test-app.js";

const clock = manualClock(new Date().toISOString());

t.test("an essential good: accepting opens the assembly's vote, whose close answers the proposal", async (t) => {
  const node = await buildTestApp(t);
  const { db, config } = node.services;
  const members = await withMembers(node, ["ana", "ben", "cleo"]);
  const self = `${config.origin}/actors/${config.handle}`;
  const offer = await call(node, "POST", "/api/offers", node.token, {
    resource: "grain",
    quantity: 100,
    availableFrom: new Date().toISOString(),
    availableUntil: new Date(Date.now() + 10 * DAY).toISOString(),
    pickup: { lat: 45, lon: 9, name: "barn" },
  });
  t.equal(offer.status, 201);
  writePolicy(db, { essentialResources: [`${config.origin}/resources/grain`] });

  const uri = "http://planner.invalid/exchanges/e1";
  const receiver = "http://receiver.invalid/actors/r";
  insertExchange(db, {
    uri,
    roundUri: "http://planner.invalid/rounds/r1",
    proposer: "http://planner.invalid/actors/p",
    supplier: self,
    receiver,
    offerUri: offer.body.url,
    needUri: "http://receiver.invalid/supply/n",
    unit: "kg",
    kgPerUnit: 1,
    partiesJson: "[]",
  });
  addEvent(db, uri, "http://planner.invalid/actors/p", {
    id: `${uri}#proposed`,
    at: new Date().toISOString(),
    kind: "proposed",
    proposal: {
      supplier: self,
      receiver,
      resource: `${config.origin}/resources/grain`,
      quantity: 40,
      legs: [],
      deadline: new Date(Date.now() + 365 * DAY).toISOString(),
      digest: "sha256:x",
      plannerVersion: "tendril-planner/1.0.0",
    },
  });

  const asked = await call(node, "POST", "/api/exchanges/e1/accept", node.token, {});
  t.equal(asked.status, 202, "the accept waits for the assembly");
  t.match(asked.body, { awaiting: "ratification", reasons: [/essential/] });
  const commitmentVotes = () => listVotes(db).filter((v) => JSON.parse(v.subjectJson).kind === "commitment");
  for (const body of [{}, { quantity: 30 }]) {
    const again = await call(node, "POST", "/api/exchanges/e1/accept", node.token, body);
    t.equal(again.status, 202, `a second accept (${JSON.stringify(body)}) while the vote is open still waits`);
    t.equal(again.body.vote, asked.body.vote, "and points at the vote already open");
  }
  t.equal(commitmentVotes().length, 1, "no second vote was opened for the same exchange");
  const pending = await call(node, "GET", "/api/exchanges/e1", node.token);
  t.equal(pending.body.answers.supplier, null, "nothing answered yet");
  t.equal(pending.body.reservation, null, "nothing reserved yet");
  const accepts = () =>
    (node.services.sqlite.prepare("SELECT activity_json FROM outbox WHERE activity_type = 'Accept'").all() as { activity_json: string }[])
      .map((r) => r.activity_json)
      .filter((json) => json.includes(uri));
  t.same(accepts(), [], "no Accept has gone out on the federation yet");

  for (const who of ["ana", "ben"]) {
    t.equal((await call(node, "POST", `/api/votes/${asked.body.vote}/ballot`, members[who]!.token, { choice: "yes" })).status, 201);
  }
  clock.advance(4 * DAY);
  await node.community.closeDueVotes();
  const after = await call(node, "GET", "/api/exchanges/e1", node.token);
  t.match(after.body.answers.supplier, { answer: "accept", quantity: 40 }, "the ratified vote accepts");
  t.match(after.body.reservation, { quantity: 40, status: "active" }, "and reserves");
  t.equal(accepts().length, 1, "the Accept is published only now, after the vote passed");
});
