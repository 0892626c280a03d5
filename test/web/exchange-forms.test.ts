import pino from "pino";
import t from "tap";
import { buildApp } from "../../src/app.js";
import { writePolicy } from "../../src/community/policy-store.js";
import { listVotes } from "../../src/community/vote-store.js";
import { openDatabase } from "../../src/db/client.js";
import { problemDigest } from "../../src/exchange/round.js";
import type { RoundRunner } from "../../src/exchange/round-actions.js";
import { runRound } from "../../src/exchange/rounds.js";
import type { ProposalFacts } from "../../src/exchange/state.js";
import { addEvent, insertExchange, insertRound } from "../../src/exchange/store.js";
import { PLANNER_VERSION, type Problem, solve } from "../../src/planning/index.js";
import { createDriver } from "../../src/transport/drivers.js";
import { saveRoute } from "../../src/transport/store.js";
import { call, DAY, withMembers } from "../helpers/community.js";
import { buildTestApp, type TestNode, testConfig } from "../helpers/test-app.js";
import { FormClient } from "../helpers/web-client.js";

const OTHER = "http://127.0.0.1:9/never/actors/other";

/** Seeds a proposal this node received as the supplier of `offerUri` (as the exchange inbox would store it). */
function seedProposal(
  node: TestNode,
  id: string,
  options: { offerUri: string; roundUri: string; quantity: number; deadline?: string; legs?: ProposalFacts["legs"] },
) {
  const { db, config } = node.services;
  const self = `${config.origin}/actors/${config.handle}`;
  const uri = `http://planner.invalid/exchanges/${id}`;
  insertExchange(db, {
    uri,
    roundUri: options.roundUri,
    proposer: "http://planner.invalid/actors/p",
    supplier: self,
    receiver: OTHER,
    offerUri: options.offerUri,
    needUri: "http://planner.invalid/supply/n",
    unit: "kg",
    kgPerUnit: 1,
    partiesJson: "[]",
  });
  addEvent(db, uri, "http://planner.invalid/actors/p", {
    id: `${uri}#proposed`,
    at: new Date(Date.now() - 60_000).toISOString(),
    kind: "proposed",
    proposal: {
      supplier: self,
      receiver: OTHER,
      resource: `${config.origin}/resources/grain`,
      quantity: options.quantity,
      legs: options.legs ?? [],
      deadline: options.deadline ?? new Date(Date.now() + DAY).toISOString(),
      digest: "sha256:x",
      plannerVersion: PLANNER_VERSION,
    },
  });
  return uri;
}

/** A round saved here whose plan is (or, with `tamper`, is not) what the planner computes. */
async function seedRound(node: TestNode, id: string, tamper: boolean): Promise<string> {
  const problem: Problem = { version: 1, communities: [], resources: [], offers: [], needs: [], legs: [] };
  const plan = await solve(problem);
  const uri = `${node.services.config.origin}/rounds/${id}`;
  insertRound(node.services.db, {
    id,
    uri,
    inputsJson: "{}",
    problemJson: JSON.stringify(problem),
    planJson: JSON.stringify(tamper ? { ...plan, flows: [{ offer: "o", need: "n", quantity: 1, legs: [] }] } : plan),
    digest: problemDigest(problem),
    plannerVersion: PLANNER_VERSION,
    deadline: Date.now() + DAY,
  });
  return uri;
}

async function grainOffer(node: TestNode) {
  const offer = await call(node, "POST", "/api/offers", node.token, {
    resource: "grain",
    quantity: 100,
    availableFrom: new Date().toISOString(),
    availableUntil: new Date(Date.now() + 10 * DAY).toISOString(),
    pickup: { lat: 45, lon: 9, name: "barn" },
  });
  if (offer.status !== 201) throw new Error(`offer: ${JSON.stringify(offer.body)}`);
  return offer.body.url as string;
}

const card = (body: string, quantity: number) =>
  new RegExp(`<article class="card" aria-label="${quantity} kg Grain[^"]*">[\\s\\S]*?</article>`).exec(body)?.[0] ?? "";

t.test("a coordinator accepts, accepts less of, and rejects proposals from the dashboard", async (t) => {
  const node = await buildTestApp(t, { name: "Testville" });
  const { db, config } = node.services;
  const self = `${config.origin}/actors/${config.handle}`;
  const offerUri = await grainOffer(node);
  const verified = await seedRound(node, "r-ok", false);
  const tampered = await seedRound(node, "r-bad", true);
  const { driver } = createDriver(db, {
    name: "Dana",
    contact: "dana@example.org",
    vehicles: [{ name: "van", capacityKg: 500, capacityM3: 5, refrigerated: false }],
  });
  const departsAt = Date.parse("2030-03-04T07:30:00Z");
  const departure = `${config.origin}/departures/d1`;
  saveRoute(db, {
    uri: `${config.origin}/routes/1`,
    driverId: driver.id,
    driverUri: `${config.origin}/actors/driver-${driver.id}`,
    driverInbox: `${config.origin}/actors/driver-${driver.id}/inbox`,
    name: "Via Emilia",
    stops: [
      { uri: self, name: "Testville", lat: 45, lon: 9, inbox: null, sharedInbox: null },
      { uri: OTHER, name: "Othertown", lat: 44, lon: 11, inbox: null, sharedInbox: null },
    ],
    legs: [{ distanceKm: 200, durationMinutes: 150 }],
    schedule: [],
    refrigerated: false,
    status: "active",
    departures: [
      {
        uri: departure,
        departsAt,
        cancelled: false,
        legs: [{ leg: 0, capacityKg: 500, capacityM3: 5, remainingKg: 500, remainingM3: 5 }],
      },
    ],
  });
  const legs = [
    { id: `${departure}#leg-0`, from: self, to: OTHER, driver: `${config.origin}/actors/driver-${driver.id}` },
  ];
  const all = seedProposal(node, "all", { offerUri, roundUri: verified, quantity: 40, legs });
  const part = seedProposal(node, "part", { offerUri, roundUri: tampered, quantity: 30 });
  const rejected = seedProposal(node, "rej", { offerUri, roundUri: verified, quantity: 20 });

  const admin = new FormClient(node);
  await admin.login({ as: "admin", token: node.token });
  const first = await admin.get("/admin");
  t.match(
    card(first.body, 40),
    /Plan check: <strong>not checked yet<\/strong>/,
    "the first view does not wait for the check",
  );
  await node.exchange.planChecks.settled();
  const page = await admin.get("/admin");
  const c40 = card(page.body, 40);
  t.match(c40, /From: Testville<br>To: Othertown/, "the parties by name");
  t.match(c40, /Plan check: <strong>verified<\/strong>/, "the round was recomputed and matches");
  t.match(
    c40,
    /Testville → Othertown · Dana · departs 2030-03-04 07:30 UTC/,
    "the leg with its driver and departure time",
  );
  t.match(
    card(page.body, 30),
    /Plan check: <strong>does NOT match our own computation<\/strong>/,
    "a tampered plan is flagged",
  );
  const csrf = await admin.csrf("/admin");

  t.equal(
    (await admin.post("/admin/exchanges/all/answer", { answer: "accept" })).statusCode,
    403,
    "no CSRF token: refused",
  );
  const tooMuch = await admin.post("/admin/exchanges/part/answer", { _csrf: csrf, answer: "accept", quantity: "31" });
  t.equal(tooMuch.statusCode, 400, "more than proposed is refused");
  t.match(tooMuch.headers["content-type"], /text\/html/);
  t.match(tooMuch.body, /<strong>quantity<\/strong>: must not exceed the proposed 30/, "as a page naming the field");
  const noReason = await admin.post("/admin/exchanges/rej/answer", { _csrf: csrf, answer: "reject", reason: " " });
  t.equal(noReason.statusCode, 400, "a reject needs a reason");
  t.match(noReason.body, /<strong>reason<\/strong>: is required/);

  const accepted = await admin.post("/admin/exchanges/all/answer", { _csrf: csrf, answer: "accept" });
  t.equal(accepted.statusCode, 303);
  t.equal(accepted.headers.location, "/admin?done=exchangeAccepted#exchanges");
  const partial = await admin.post("/admin/exchanges/part/answer", { _csrf: csrf, answer: "accept", quantity: "12.5" });
  t.equal(partial.statusCode, 303);
  t.equal(
    (await admin.post("/admin/exchanges/rej/answer", { _csrf: csrf, answer: "reject", reason: "the barn is flooded" }))
      .statusCode,
    303,
  );

  const state = async (id: string) => (await call(node, "GET", `/api/exchanges/${id}`, node.token)).body;
  t.match((await state("all")).answers.supplier, { answer: "accept", quantity: 40 }, "accepted in full");
  t.match((await state("all")).reservation, { quantity: 40, status: "active" }, "and reserved in the offer");
  t.match((await state("part")).answers.supplier, { answer: "accept", quantity: 12.5 }, "the smaller quantity");
  t.match(
    (await state("rej")).answers.supplier,
    { answer: "reject", reason: "the barn is flooded" },
    "rejected with the reason",
  );
  t.equal((await state("rej")).status, "rejected");

  const after = await admin.get("/admin?done=exchangeAccepted");
  t.match(after.body, /You accepted the proposal/);
  t.match(after.body, /No exchange proposals yet\./, "nothing waits for our answer any more");
  const agreements = /<h3 id="agreements">[\s\S]*?<\/table>/.exec(after.body)?.[0] ?? "";
  t.match(
    agreements,
    /Grain<\/td><td>40 kg<\/td><td>Testville<\/td><td>Othertown<\/td><td>we answered; waiting for Othertown/,
    "the accepted one waits for the receiver",
  );
  t.match(agreements, /12\.5 kg/);
  t.notMatch(agreements, /20 kg/, "the rejected one is gone");

  const again = await admin.post("/admin/exchanges/all/answer", { _csrf: csrf, answer: "accept" });
  t.equal(again.statusCode, 409, "answering twice is a conflict");
  t.match(again.body, /The supplier has already answered \(accept\)/);
  t.ok([all, part, rejected].every((u) => u.startsWith("http://planner.invalid/")));
});

t.test("late answers, members who are not coordinators, and answers the policy sends to a vote", async (t) => {
  const node = await buildTestApp(t);
  const { db, config } = node.services;
  const offerUri = await grainOffer(node);
  const round = await seedRound(node, "r1", false);
  seedProposal(node, "late", {
    offerUri,
    roundUri: round,
    quantity: 10,
    deadline: new Date(Date.now() + 1500).toISOString(),
  });
  seedProposal(node, "vote", { offerUri, roundUri: round, quantity: 50 });
  const admin = new FormClient(node);
  await admin.login({ as: "admin", token: node.token });
  const csrf = await admin.csrf("/admin");

  await withMembers(node, ["rosa"]);
  const rosa = new FormClient(node);
  await rosa.login({ as: "member", handle: "rosa", password: "rosa-password-123" });
  const rosaCsrf = await rosa.csrf("/me");
  const refused = await rosa.post("/admin/exchanges/vote/answer", { _csrf: rosaCsrf, answer: "accept" });
  t.equal(refused.statusCode, 403, "a member who is not a coordinator cannot answer");
  t.match(refused.body, /Only the community&#39;s coordinators|Only the community's coordinators/);
  t.equal((await rosa.post("/admin/rounds", { _csrf: rosaCsrf })).statusCode, 403, "nor start a round");

  await new Promise((resolve) => setTimeout(resolve, 1600));
  const late = await admin.post("/admin/exchanges/late/answer", { _csrf: csrf, answer: "accept" });
  t.equal(late.statusCode, 409, "after the deadline");
  t.match(late.body, /The deadline to answer \(.*\) has passed/);

  writePolicy(db, { essentialResources: [`${config.origin}/resources/grain`] });
  const asked = await admin.post("/admin/exchanges/vote/answer", { _csrf: csrf, answer: "accept" });
  t.equal(asked.statusCode, 202);
  t.match(asked.body, /Ratification vote opened/);
  t.match(asked.body, /is an essential good/, "with the policy's reason");
  t.match(asked.body, /<a href="\/me">Members vote on their page<\/a>/);
  t.equal(
    (await admin.post("/admin/exchanges/vote/answer", { _csrf: csrf, answer: "accept" })).statusCode,
    202,
    "a second click",
  );
  t.equal(
    listVotes(db).filter((v) => JSON.parse(v.subjectJson).kind === "commitment").length,
    1,
    "opens no second vote",
  );
  const page = await admin.get("/admin");
  t.match(card(page.body, 50), /Waiting for the assembly/, "the proposal shows the open vote");
  t.notMatch(card(page.body, 50), /<form/, "instead of the answer forms");
});

t.test("the round button starts a round in the background; the dashboard shows it running, then done", async (t) => {
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  // The real round, held at its solving stage until the test has looked at the page.
  const slow: RoundRunner = async (ctx, options) => {
    options.onStage?.("solving");
    await gate;
    return runRound(ctx, options);
  };
  const built = await buildApp(testConfig(), {
    logger: pino({ level: "silent" }),
    database: openDatabase(":memory:"),
    roundRunner: slow,
  });
  t.teardown(() => built.app.close());
  await built.app.ready();
  const node = Object.assign(built, {
    token: built.bootstrapToken ?? "",
    auth: { authorization: `Bearer ${built.bootstrapToken}` },
  });
  const admin = new FormClient(node);
  await admin.login({ as: "admin", token: node.token });
  const before = await admin.get("/admin");
  t.match(before.body, /No planning round has run on this node yet\./);
  t.notMatch(before.body, /http-equiv="refresh"/);
  const csrf = await admin.csrf("/admin");

  const started = await admin.post("/admin/rounds", { _csrf: csrf });
  t.equal(started.statusCode, 303);
  t.equal(started.headers.location, "/admin?done=roundStarted#planning-round");
  const running = await admin.get("/admin");
  t.match(
    running.body,
    /<meta http-equiv="refresh" content="2; url=\/admin">/,
    "the page refreshes itself while the round runs",
  );
  t.match(
    running.body,
    /A planning round is running: <strong>solving<\/strong> \(step 2 of 3\) <progress max="1" value="0.4">/,
  );
  t.notMatch(running.body, /Start a planning round/, "no second start button");
  const second = await admin.post("/admin/rounds", { _csrf: csrf });
  t.equal(second.statusCode, 409, "a second start is refused");
  t.match(second.body, /already running/);
  const api = await node.app.inject({ method: "POST", url: "/api/rounds", headers: node.auth, payload: {} });
  t.equal(api.statusCode, 409, "through the API too");
  t.match(api.headers["content-type"], /application\/problem\+json/);
  t.match(api.json(), { status: 409, detail: /already running/ });

  release();
  await node.exchange.rounds.idle();
  const finished = await admin.get("/admin");
  t.notMatch(finished.body, /http-equiv="refresh"/, "no more refreshing");
  const id = node.exchange.rounds.current()?.outcome;
  t.ok(id?.ok, "the round finished");
  const roundId = id?.ok ? id.id : "";
  t.match(
    finished.body,
    new RegExp(`Last round finished: .* · 0 proposals sent · <a href="/rounds/${roundId}">see the round</a>`),
    "with a link to it and its proposals",
  );
  t.equal(
    (await node.app.inject({ method: "GET", url: `/rounds/${roundId}`, headers: { accept: "application/json" } }))
      .statusCode,
    200,
    "the round is published",
  );
  t.match(finished.body, /Start a planning round/, "and a new one can be started");
});

t.test("with the real planner: the button's round runs to the end and the API runs one after it", async (t) => {
  const node = await buildTestApp(t);
  const admin = new FormClient(node);
  await admin.login({ as: "admin", token: node.token });
  const csrf = await admin.csrf("/admin");
  t.equal((await admin.post("/admin/rounds", { _csrf: csrf })).statusCode, 303);
  await node.exchange.rounds.idle();
  t.match(
    (await admin.get("/admin")).body,
    /Last round finished: .* · 0 proposals sent · <a href="\/rounds\/[0-9a-f-]+">see the round<\/a>/,
  );
  const api = await node.app.inject({ method: "POST", url: "/api/rounds", headers: node.auth, payload: {} });
  t.equal(api.statusCode, 201, "once the first is done, the API runs its own (synchronously)");
});
