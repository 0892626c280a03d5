import { writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import t from "tap";
import { eventually, type NodeProcess, startNode } from "../helpers/node-process.js";

// Three real nodes on a 2-core machine that may be running other tests too: allow up to 10 minutes.
t.setTimeout(600_000);

function asDriver(node: NodeProcess, token: string) {
  return (path: string, init: { method?: string; json?: unknown } = {}) =>
    node.api(path, { ...init, admin: false, headers: { authorization: `Bearer ${token}` } });
}

const tomorrow = (h: number, m = 0) => {
  const d = new Date(Date.now() + 86_400_000);
  d.setUTCHours(h, m, 0, 0);
  return d.toISOString();
};
const window = {
  start: new Date(Date.now() + 3_600_000).toISOString(),
  end: new Date(Date.now() + 3 * 86_400_000).toISOString(),
};

t.test("a way two drivers share, with a hand-over at B; then two drivers race for one haul", async (t) => {
  const [a, b, c] = await Promise.all([
    startNode(t, { handle: "alpha", args: ["--location", "45.46,9.19"] }),
    startNode(t, { handle: "beta", args: ["--location", "44.49,11.34"] }),
    startNode(t, { handle: "gamma", args: ["--location", "43.77,11.25"] }),
  ]);
  const reg = async (node: NodeProcess, name: string) => {
    const r = await node.api("/api/drivers", {
      method: "POST",
      json: {
        name,
        contact: `${name}@example.org`,
        vehicles: [{ name: "van", capacityKg: 100, capacityM3: 10, refrigerated: false }],
      },
    });
    t.equal(r.status, 201, `${name} registered on ${node.handle}`);
    return (await r.json()) as { id: string; actor: string; token: string };
  };
  const x = await reg(a, "Xenia");
  const y = await reg(b, "Yuri");
  const xApi = asDriver(a, x.token);
  const yApi = asDriver(b, y.token);
  const route = (name: string, stops: string[], at: string, minutes: number) => ({
    name,
    stops,
    legs: [{ distanceKm: 120, durationMinutes: minutes }],
    capacityKg: 100,
    capacityM3: 10,
    departures: [{ at }],
  });
  const haulAt = async (node: NodeProcess, uri: string) =>
    ((await node.getJson("/api/hauls")).items as any[]).find((h) => h.uri === uri);

  // X drives A → B tomorrow 07:30–09:30; Y drives B → C at 10:30, after X arrives (+ the 30 min transfer).
  const xr = await xApi("/api/driver/routes", {
    method: "POST",
    json: route("A–B", [a.actorUrl, b.actorUrl], tomorrow(7, 30), 120),
  });
  t.equal(xr.status, 201, "X publishes A → B");
  const xRoute = await xr.json();
  // The route joins A and B, so they follow each other; A then hears of the routes of B's drivers too.
  await eventually(
    async () =>
      ((await a.getJson("/api/following")).items as any[]).some(
        (f) => f.actor === b.actorUrl && f.status === "accepted",
      ),
    "A to follow B",
  );
  await eventually(
    async () => ((await b.getJson("/api/followers")).items as any[]).some((f) => f.actor === a.actorUrl),
    "B to list A as a follower",
  );
  const yr = await yApi("/api/driver/routes", {
    method: "POST",
    json: route("B–C", [b.actorUrl, c.actorUrl], tomorrow(10, 30), 90),
  });
  t.equal(yr.status, 201, "Y publishes B → C");
  const yRoute = await yr.json();
  await eventually(
    async () => (await a.getJson("/api/route-graph")).edges.length === 2,
    "A to know both routes (Y's through B's followers)",
  );

  let chain: any;

  await t.test("A asks for a haul A → C: no single route covers it, so two segment hauls are created", async (t) => {
    const res = await a.api("/api/hauls", {
      method: "POST",
      json: {
        resource: "https://example.org/resources/flour",
        quantity: 40,
        unit: "kg",
        weightKg: 40,
        volumeM3: 1,
        from: a.actorUrl,
        to: c.actorUrl,
        window,
      },
    });
    t.equal(res.status, 201);
    const body = await res.json();
    chain = body.chain;
    t.equal(chain.length, 2, "two segments");
    t.same(chain.handOvers, [b.actorUrl], "handed over at B");
    t.same(
      chain.segments.map((s: any) => [s.from, s.to, s.status]),
      [
        [a.actorUrl, b.actorUrl, "open"],
        [b.actorUrl, c.actorUrl, "open"],
      ],
    );
    t.same(
      chain.plan.map((p: any) => p.ways.map((w: any) => w.driver)),
      [[x.actor], [y.actor]],
      "segment 1 goes to X, segment 2 to Y",
    );

    const bad = await a.api("/api/hauls", {
      method: "POST",
      json: { resource: "flour", quantity: 10, unit: "kg", weightKg: 10, from: c.actorUrl, to: a.actorUrl, window },
    });
    t.equal(bad.status, 422, "no chain goes C → A");
    t.same((await bad.json()).errors, [{ name: "to", reason: "no possible way in the route graph" }]);
    t.equal((await a.getJson("/api/hauls")).items.length, 2, "only the two segments were saved");

    // For docs/protocol.md: the segment Offer as A really sent it (TENDRIL_CAPTURE_HANDOVER=<file>).
    const capture = process.env.TENDRIL_CAPTURE_HANDOVER;
    if (capture) {
      const db = new Database(join(a.dataDir, "tendril.sqlite"), { readonly: true });
      const rows = db.prepare("SELECT activity_json FROM outbox WHERE activity_type = 'Offer' ORDER BY seq").all() as {
        activity_json: string;
      }[];
      db.close();
      writeFileSync(
        capture,
        JSON.stringify(
          rows.map((r) => JSON.parse(r.activity_json)),
          null,
          2,
        ),
      );
    }
  });

  await t.test("X accepts segment 1, Y segment 2; both ends see both acceptances", async (t) => {
    const [seg1, seg2] = chain.segments;
    const xOpen = await eventually(
      async () => ((await (await xApi("/api/driver/hauls")).json()).open as any[]).find((h) => h.uri === seg1.uri),
      "X to see segment 1",
    );
    t.same(xOpen.chain, { uri: chain.uri, index: 0, length: 2 }, "X's list shows the haul is segment 1 of 2");
    const yOpen = await eventually(
      async () => ((await (await yApi("/api/driver/hauls")).json()).open as any[]).find((h) => h.uri === seg2.uri),
      "Y to see segment 2",
    );
    t.same(yOpen.chain, { uri: chain.uri, index: 1, length: 2 }, "Y's node stored the link it received");
    t.notOk(
      ((await (await yApi("/api/driver/hauls")).json()).open as any[]).some((h) => h.uri === seg1.uri),
      "segment 1 is not offered to Y",
    );
    t.equal(
      (
        await xApi(`/api/driver/hauls/${xOpen.id}/accept`, {
          method: "POST",
          json: { departure: xRoute.departures[0].uri },
        })
      ).status,
      200,
      "X accepts",
    );
    t.equal(
      (
        await yApi(`/api/driver/hauls/${yOpen.id}/accept`, {
          method: "POST",
          json: { departure: yRoute.departures[0].uri },
        })
      ).status,
      200,
      "Y accepts",
    );
    for (const node of [a, c]) {
      const seen = await eventually(async () => {
        const id = (await haulAt(node, seg2.uri))?.id;
        const view = id ? await node.getJson(`/api/hauls/${id}`) : null;
        return view?.chain?.status === "accepted" ? view.chain : null;
      }, `${node.handle} to see both segments accepted`);
      t.same(
        seen.segments.map((s: any) => s.driver),
        [x.actor, y.actor],
        `${node.handle}: X carries segment 1, Y segment 2`,
      );
    }
  });

  await t.test("Y may pick up only after X delivered at B, and no more than X delivered", async (t) => {
    const [seg1, seg2] = chain.segments;
    const xId = (await haulAt(a, seg1.uri)).id;
    const yId = (await haulAt(b, seg2.uri)).id;
    const early = await yApi(`/api/driver/hauls/${yId}/picked-up`, { method: "POST", json: { quantity: 40 } });
    t.equal(early.status, 409, "Y cannot pick up before X delivered at B");
    t.match((await early.json()).detail, /^segment 1 is not delivered at .+ yet$/);
    t.equal((await haulAt(b, seg2.uri)).status, "accepted", "segment 2 did not change");
    t.equal(
      (await xApi(`/api/driver/hauls/${xId}/picked-up`, { method: "POST", json: { quantity: 40 } })).status,
      200,
      "X picks up at A",
    );
    t.equal(
      (await xApi(`/api/driver/hauls/${xId}/delivered`, { method: "POST", json: { quantity: 38 } })).status,
      200,
      "X delivers 38 at B (2 short)",
    );
    await eventually(async () => (await haulAt(b, seg1.uri))?.status === "delivered", "B to see segment 1 delivered");
    const tooMuch = await yApi(`/api/driver/hauls/${yId}/picked-up`, { method: "POST", json: { quantity: 40 } });
    t.equal(tooMuch.status, 409, "Y cannot pick up more than X delivered");
    t.same((await tooMuch.json()).errors.map((e: any) => e.name), ["quantity"]);
  });

  await t.test("Y picks up at B what X delivered and delivers at C, C counts short", async (t) => {
    const [, seg2] = chain.segments;
    const yId = (await haulAt(b, seg2.uri)).id;
    t.equal(
      (await yApi(`/api/driver/hauls/${yId}/picked-up`, { method: "POST", json: { quantity: 38 } })).status,
      200,
      "Y picks up at B",
    );
    t.equal(
      (await yApi(`/api/driver/hauls/${yId}/delivered`, { method: "POST", json: { quantity: 38 } })).status,
      200,
      "Y delivers at C",
    );
    const atC = await eventually(async () => {
      const h = await haulAt(c, seg2.uri);
      return h?.status === "delivered" ? h : null;
    }, "C to hear of the delivery");
    const receipt = await c.api(`/api/hauls/${atC.id}/receipt`, { method: "POST", json: { quantity: 37 } });
    t.equal(receipt.status, 200, "C confirms what it received");
    t.equal((await receipt.json()).difference, -3, "the short count is recorded against the requested 40");
    const followed = await eventually(async () => {
      const view = await a.getJson(`/api/hauls/chains/${chain.id}`);
      return view.status === "received" ? view : null;
    }, "A to follow the chain to its end");
    t.same(
      followed.segments.map((s: any) => [s.status, s.pickedUp, s.delivered, s.difference]),
      [
        ["delivered", 40, 38, -2],
        ["received", 38, 38, -3],
      ],
      "each segment's difference against the requested 40: 2 short at B, 3 at C",
    );
    t.equal(followed.received, 37);
    t.equal(followed.difference, -3, "A sees the difference too");
  });

  await t.test("two drivers accept the same haul at once: one keeps it, the other's room is released", async (t) => {
    // X now also drives B → C; C asks for 20 kg B → C, which both X's and Y's departures cover.
    const xr2 = await xApi("/api/driver/routes", {
      method: "POST",
      json: route("B–C too", [b.actorUrl, c.actorUrl], tomorrow(11), 90),
    });
    t.equal(xr2.status, 201);
    const xDeparture = (await xr2.json()).departures[0].uri;
    const yDeparture = yRoute.departures[0].uri;
    await eventually(
      async () => (await c.getJson("/api/route-graph")).edges.length === 2,
      "C to know both B → C routes",
    );
    const res = await c.api("/api/hauls", {
      method: "POST",
      json: {
        resource: "https://example.org/resources/oil",
        quantity: 20,
        unit: "l",
        weightKg: 20,
        from: b.actorUrl,
        to: c.actorUrl,
        window,
      },
    });
    t.equal(res.status, 201);
    const haul = await res.json();
    t.equal(haul.chain, null, "a single route covers it: one haul");
    t.same(new Set(haul.ways.map((w: any) => w.driver)), new Set([x.actor, y.actor]), "both drivers are asked");

    const remaining = async (api: typeof xApi, departure: string) => {
      const items = (await (await api("/api/driver/routes")).json()).items as any[];
      const dep = items.flatMap((r) => r.departures).find((d: any) => d.uri === departure);
      return dep.legs[0].remainingKg as number;
    };
    const before = { x: await remaining(xApi, xDeparture), y: await remaining(yApi, yDeparture) };
    const [xh, yh] = await Promise.all([
      eventually(
        async () => ((await (await xApi("/api/driver/hauls")).json()).open as any[]).find((h) => h.uri === haul.uri),
        "X to see it",
      ),
      eventually(
        async () => ((await (await yApi("/api/driver/hauls")).json()).open as any[]).find((h) => h.uri === haul.uri),
        "Y to see it",
      ),
    ]);
    const answers = await Promise.all([
      xApi(`/api/driver/hauls/${xh.id}/accept`, { method: "POST", json: { departure: xDeparture } }),
      yApi(`/api/driver/hauls/${yh.id}/accept`, { method: "POST", json: { departure: yDeparture } }),
    ]);
    // Usually both nodes take their own driver's acceptance (200, 200). On a slow machine the first
    // Accept can reach the other driver's node before its driver's request is handled: that one is 409.
    const statuses = answers.map((r) => r.status);
    t.ok(
      statuses.includes(200) && statuses.every((s) => s === 200 || s === 409),
      `both answered (${statuses.join(", ")})`,
    );

    const kept = await eventually(async () => {
      const h = await haulAt(c, haul.uri);
      return h?.status === "accepted" ? h : null;
    }, "C to keep one acceptance");
    t.ok([x.actor, y.actor].includes(kept.driver), "accepted by one of the two");
    const winner =
      kept.driver === x.actor
        ? { node: a, api: xApi, dep: xDeparture, was: before.x }
        : { node: b, api: yApi, dep: yDeparture, was: before.y };
    const loser =
      kept.driver === x.actor
        ? { node: b, api: yApi, dep: yDeparture, was: before.y }
        : { node: a, api: xApi, dep: xDeparture, was: before.x };
    const loserAnswer = statuses[loser.node === a ? 0 : 1];
    t.equal(statuses[winner.node === a ? 0 : 1], 200, "the kept driver's own node accepted");
    // A loser that reserved is cancelled by the requester; one refused at once never held the haul.
    await eventually(async () => {
      const h = await haulAt(loser.node, haul.uri);
      return loserAnswer === 200 ? h?.status === "cancelled" : h?.status === "accepted" && h.driver === kept.driver;
    }, "the losing driver's node to learn the haul is not theirs");
    await eventually(
      async () => (await remaining(loser.api, loser.dep)) === loser.was,
      "the loser's reservation to be released",
    );
    t.equal(await remaining(winner.api, winner.dep), winner.was - 20, "the winner's room stays taken");
    t.equal((await haulAt(winner.node, haul.uri)).status, "accepted", "the winner still carries it");
    await new Promise((r) => setTimeout(r, 1500));
    t.equal((await haulAt(c, haul.uri)).driver, kept.driver, "C never changes its mind");
  });

  await t.test(
    "a segment every driver declines is re-planned with a new driver; when nobody is left, the chain is flagged no_way",
    async (t) => {
      // Y (B → C 10:30) and X (B → C 11:00) can carry segment 2 of a new chain; Zora (home B) drives B → C at 12:30.
      const res = await a.api("/api/hauls", {
        method: "POST",
        json: {
          resource: "https://example.org/resources/salt",
          quantity: 10,
          unit: "kg",
          weightKg: 10,
          from: a.actorUrl,
          to: c.actorUrl,
          window,
        },
      });
      t.equal(res.status, 201);
      const made = (await res.json()).chain;
      const [seg1, seg2] = made.segments;
      const z = await reg(b, "Zora");
      const zApi = asDriver(b, z.token);
      t.equal(
        (
          await zApi("/api/driver/routes", {
            method: "POST",
            json: route("B–C late", [b.actorUrl, c.actorUrl], tomorrow(12, 30), 90),
          })
        ).status,
        201,
      );
      await eventually(async () => (await a.getJson("/api/route-graph")).edges.length === 4, "A to know Zora's route");

      const openFor = (api: typeof xApi, uri: string) =>
        eventually(
          async () => ((await (await api("/api/driver/hauls")).json()).open as any[]).find((h) => h.uri === uri),
          "the segment to be offered",
        );
      const yh = await openFor(yApi, seg2.uri);
      t.equal(
        (await yApi(`/api/driver/hauls/${yh.id}/decline`, { method: "POST" })).status,
        200,
        "Y declines (a remote driver for A)",
      );
      const xh = await openFor(xApi, seg2.uri);
      t.equal(
        (await xApi(`/api/driver/hauls/${xh.id}/decline`, { method: "POST" })).status,
        200,
        "X declines (A's own driver)",
      );

      const replanned = await eventually(async () => {
        const view = await a.getJson(`/api/hauls/chains/${made.id}`);
        return view.segments.length === 2 && view.segments[1].uri !== seg2.uri ? view : null;
      }, "A to re-plan segment 2");
      t.same(
        replanned.segments.map((s: any) => [s.index, s.from, s.to, s.status]),
        [
          [0, a.actorUrl, b.actorUrl, "open"],
          [1, b.actorUrl, c.actorUrl, "open"],
        ],
      );
      t.equal(replanned.segments[0].uri, seg1.uri, "segment 1 is kept");
      const old = await haulAt(a, seg2.uri);
      t.same([old.status, old.flag], ["cancelled", "replanned"], "the old segment 2 is superseded");
      const fresh = replanned.segments[1];
      const zh = await openFor(zApi, fresh.uri);
      t.equal(zh.chain.index, 1, "Zora is asked to carry the new segment 2");
      await eventually(
      async () => (await haulAt(b, seg2.uri))?.flag === "replanned",
      "B to hear the old segment 2 superseded",
    );
    t.same(
      (await b.getJson(`/api/hauls/chains/${made.id}`)).segments.map((s: any) => s.uri),
      [seg1.uri, fresh.uri],
      "B's view of the chain shows the live segments",
    );

      t.equal((await zApi(`/api/driver/hauls/${zh.id}/decline`, { method: "POST" })).status, 200, "Zora declines too");
      await eventually(async () => (await haulAt(a, fresh.uri))?.flag === "no_way", "A to flag the chain no_way");
      t.equal((await haulAt(a, seg1.uri)).flag, "no_way", "every open segment is flagged");
      t.equal((await haulAt(a, fresh.uri)).status, "open", "no status changes");
      await eventually(
        async () => (await haulAt(b, fresh.uri))?.flag === "no_way",
        "B (Zora's node) to hear there is no way",
      );
      await eventually(async () => (await haulAt(c, fresh.uri))?.flag === "no_way", "C (the destination) to hear it");
    },
  );
});
