/**
 * A haul of one departure (no chain) we asked for is re-planned like a chain
 * of that one segment when nobody is left to carry it: its candidates all
 * refused, or the departure it was accepted on is gone.
 */
import t from "tap";
import { haulsTable } from "../../src/db/schema/transport.js";
import { onRouteDelete } from "../../src/federation/inbox/transport.js";
import { findHaulByUri } from "../../src/transport/store.js";
import {
  acceptOnRoute,
  at,
  b,
  c,
  declineFrom,
  flourRequest,
  json,
  remoteDriver as driver,
  remoteRoute as route,
  remoteRouteDelete,
  sentActivities,
} from "../helpers/chain-fixtures.js";
import { buildTestApp } from "../helpers/test-app.js";
import { FormClient } from "../helpers/web-client.js";

/** One node, route x covering `to` from here; a haul of 40 kg of flour to `to` requested over the API. */
async function setUp(t: any, to: string) {
  const node = await buildTestApp(t);
  const { db } = node.services;
  route(db, "x", [flourRequest.from, to], at(0));
  const res = await node.app.inject({ method: "POST", url: "/api/hauls", ...json(node.auth, { ...flourRequest, to }) });
  t.equal(res.statusCode, 201, res.body);
  t.equal(res.json().chain, null, "one departure covers the way");
  const ctx = node.federation.createContext(new URL(node.services.config.origin), node.services);
  return { node, db, ctx, haul: res.json().uri as string };
}

const rowsOf = (db: any) =>
  db
    .select()
    .from(haulsTable)
    .all()
    .map((r: any) => ({
      status: r.status,
      flag: r.flag,
      chain: r.chainUri === null ? null : [r.chainIndex, r.chainLength],
      from: r.fromUri,
      to: r.toUri,
      drivers: JSON.parse(r.driversJson).map((d: any) => d.id),
    }));

t.test("its only driver declines: a new haul is asked of another departure's driver", async (t) => {
  const { node, db, ctx, haul } = await setUp(t, b);
  route(db, "z", [flourRequest.from, b], at(2));
  const before = sentActivities(db).length;
  await declineFrom(t, ctx, haul, driver("x"), "d1");
  t.same(
    rowsOf(db),
    [
      { status: "cancelled", flag: "replanned", chain: null, from: flourRequest.from, to: b, drivers: [driver("x")] },
      { status: "open", flag: null, chain: null, from: flourRequest.from, to: b, drivers: [driver("z")] },
    ],
    "the old haul is superseded by a new one of one departure, asked of z's driver",
  );
  const sent = sentActivities(db).slice(before);
  t.equal(sent.length, 2, "a cancel and an Offer");
  t.match(sent[0]!.text, /\\"type\\":\\"cancel\\",.*\\"replanned\\":true/);
  t.match(sent[0]!.text, /re-planned on other departures/, "saying why in words");
  const fresh = db.select().from(haulsTable).all()[1]!.uri;
  t.ok(sent[0]!.text.includes(`\\"replacedBy\\":\\"${fresh}\\"`), "the cancel names the haul that replaced it");
  t.ok(sent[0]!.text.includes(`<a href=\\"${fresh}\\">`), "and links it in the Note");
  t.same(sent[0]!.to, [driver("x")]);
  t.ok(sent[1]!.text.includes('"Offer"') && sent[1]!.to.includes(driver("z")), "z is offered the new haul");

  await declineFrom(t, ctx, haul, driver("x"), "d1-again");
  t.equal(sentActivities(db).length, before + 2, "a second decline of the superseded haul re-plans nothing");

  const listed = (await node.app.inject({ url: "/api/hauls", headers: node.auth })).json().items;
  t.same(
    listed.map((h: any) => [h.status, h.flag]),
    [
      ["cancelled", "replanned"],
      ["open", null],
    ],
    "the API shows both",
  );
  t.same(
    listed.map((h: any) => h.replacedBy),
    [fresh, null],
    "the old one points to the new one",
  );
  const admin = new FormClient(node);
  await admin.login({ as: "admin", token: node.token });
  const page = (await admin.get("/admin")).body;
  t.match(
    page,
    /cancelled <strong>\(re-planned: asked of other drivers\)<\/strong>/,
    "the dashboard says why in words",
  );
});

t.test("its accepted departure's route is withdrawn: a chain of two segments replaces it", async (t) => {
  const { node, db, ctx, haul } = await setUp(t, c);
  await acceptOnRoute(t, ctx, haul, "x");
  t.equal(findHaulByUri(db, haul)!.status, "accepted");
  route(db, "y", [flourRequest.from, b], at(1));
  route(db, "w", [b, c], at(5));
  t.equal(rowsOf(db).length, 1, "new routes alone re-plan nothing: the haul has its driver");

  const before = sentActivities(db).length;
  const del = remoteRouteDelete("x");
  t.equal(await onRouteDelete(ctx as never, del), true);
  const rows = db.select().from(haulsTable).all();
  t.same(
    rowsOf(db).map((r: any) => [r.status, r.flag, r.chain, r.from, r.to, r.drivers]),
    [
      ["cancelled", "replanned", null, flourRequest.from, c, [driver("x")]],
      ["open", null, [0, 2], flourRequest.from, b, [driver("y")]],
      ["open", null, [1, 2], b, c, [driver("w")]],
    ],
    "no departure covers the way alone any more: two segments with a hand-over at b",
  );
  t.equal(rows[1]!.chainUri, rows[2]!.chainUri, "the two segments are one chain");
  t.match(rows[1]!.chainUri, /\/hauls\/chains\/[0-9a-f-]+$/);
  const id = rows[1]!.chainUri!.split("/").pop();
  const view = await node.app.inject({ url: `/api/hauls/chains/${id}`, headers: node.auth });
  t.equal(view.statusCode, 200, view.body);
  t.same(
    view.json().segments.map((s: any) => s.uri),
    [rows[1]!.uri, rows[2]!.uri],
    "and the chain view shows them",
  );
  const sent = sentActivities(db).slice(before);
  t.same(sent[0]!.to, [driver("x")], "x hears the haul was re-planned");
  t.match(sent[0]!.text, /\\"replanned\\":true/);
  t.ok(sent[0]!.text.includes(`\\"replacedBy\\":\\"${rows[1]!.chainUri}\\"`), "naming the chain that replaced it");
  t.equal(rows[0]!.replacedBy, rows[1]!.chainUri, "and so does the old haul's row");
  t.ok(
    [driver("y"), driver("w")].every((d) => sent.some((s) => s.text.includes('"Offer"') && s.to.includes(d))),
    "y and w are offered their segments",
  );
  const count = sentActivities(db).length;
  t.equal(await onRouteDelete(ctx as never, del), true);
  t.equal(sentActivities(db).length, count, "a replayed Delete re-plans nothing");
});

t.test("with no other way, it is flagged no_way and its parties are told once", async (t) => {
  const { db, ctx, haul } = await setUp(t, b);
  const before = sentActivities(db).length;
  await declineFrom(t, ctx, haul, driver("x"), "d2");
  t.same(
    rowsOf(db).map((r: any) => [r.status, r.flag]),
    [["open", "no_way"]],
  );
  const sent = sentActivities(db).slice(before);
  t.equal(sent.length, 1, "one no_way Note");
  t.match(sent[0]!.text, /no_way/);
  await declineFrom(t, ctx, haul, driver("x"), "d3");
  t.equal(sentActivities(db).length, before + 1, "told once");
});
