import "../../src/lib/runtime-shims.js";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import t from "tap";
import { eventually, exchangeAt, exchangeUntil, type NodeProcess, startNode } from "../helpers/node-process.js";

// Two real nodes on a 2-core machine that may be running other tests too: allow up to 10 minutes.
t.setTimeout(600_000);

/**
 * Ratification across real nodes. Alpha supplies and its policy says any
 * outgoing commitment above 10 units goes to the assembly; Gamma needs the
 * goods and plans the round; Gina, a driver registered on Alpha, carries
 * Alpha → Gamma (Gamma learns her routes over the federation). A
 * coordinator's accept at Alpha opens a vote (202) and sends nothing; the
 * members vote over the API; when the vote closes, Alpha's Accept (or, after
 * a failed vote, its Reject with the reason) reaches Gamma over the federation.
 */
const future = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
const tomorrow = new Date(Date.now() + 86_400_000);
tomorrow.setUTCHours(7, 30, 0, 0);
const place = { lat: 45, lon: 9, name: "depot" };
type Tap = Pick<typeof t, "equal" | "ok">;

function outbox(node: NodeProcess, type: string): any[] {
  const sqlite = new Database(join(node.dataDir, "tendril.sqlite"), { readonly: true });
  const rows = sqlite
    .prepare("select activity_json as json from outbox where activity_type = ? order by seq")
    .all(type) as { json: string }[];
  sqlite.close();
  return rows.map((r) => JSON.parse(r.json));
}

/** The kind of the exchange event an activity carries, if any. */
function eventKind(activity: any): string | null {
  const carried = (activity.attachment ?? []).find((a: any) => a.name === "tendril:exchange");
  const value = carried?.value ?? carried?.["http://schema.org#value"];
  return typeof value === "string" ? JSON.parse(value).event.kind : null;
}

/**
 * The shortest vote window policy allows is an hour. Standing in for that
 * hour passing, the vote's end is moved to now in the node's database; the
 * close endpoint then does exactly what the node's timer would.
 */
async function closeVoteNow(node: NodeProcess, voteId: number, token: string): Promise<void> {
  const sqlite = new Database(join(node.dataDir, "tendril.sqlite"));
  sqlite.pragma("busy_timeout = 10000");
  sqlite.prepare("update votes set closes_at = ? where id = ?").run(Date.now() - 1, voteId);
  sqlite.close();
  const r = await node.api("/api/votes/close-due", {
    method: "POST",
    admin: false,
    headers: { authorization: `Bearer ${token}` },
  });
  if (r.status !== 200) throw new Error(`close-due → ${r.status} ${await r.text()}`);
}

t.test("an accept that needs the assembly's vote, across two nodes", async (t) => {
  const [alpha, gamma] = await Promise.all([
    startNode(t, { handle: "alpha", args: ["--location", "45.46,9.19"] }),
    startNode(t, { handle: "gamma", args: ["--location", "43.77,11.25"] }),
  ]);

  // Alpha's policy, set with the bootstrap token before any coordinator is elected.
  const policy = await alpha.api("/api/policy", {
    method: "PUT",
    json: { joinPolicy: "open", ratificationThresholds: { "*": 10 }, voteWindowHours: 1, voteQuorum: 0.5 },
  });
  t.equal(policy.status, 200, "alpha: outgoing commitments above 10 need a vote");
  const members: Record<string, string> = {};
  for (const handle of ["ana", "ben", "cleo"]) {
    const password = `${handle}-password-123`;
    t.equal(
      (
        await alpha.api("/api/members", {
          method: "POST",
          admin: false,
          json: { handle, displayName: handle, password },
        })
      ).status,
      201,
    );
    const s = await alpha.api("/api/sessions", { method: "POST", admin: false, json: { handle, password } });
    members[handle] = (await s.json()).token;
  }
  const asMember = (handle: string) => ({ admin: false, headers: { authorization: `Bearer ${members[handle]}` } });

  const driver = await (
    await alpha.api("/api/drivers", {
      method: "POST",
      json: {
        name: "Gina",
        contact: "gina@example.org",
        vehicles: [{ name: "van", capacityKg: 500, capacityM3: 20, refrigerated: false }],
      },
    })
  ).json();
  const gina = (path: string, init: { method?: string; json?: unknown } = {}) =>
    alpha.api(path, { ...init, admin: false, headers: { authorization: `Bearer ${driver.token}` } });
  const route = {
    name: "valley run",
    stops: [alpha.actorUrl, gamma.actorUrl],
    legs: [{ distanceKm: 250, durationMinutes: 200 }],
    capacityKg: 500,
    capacityM3: 20,
    departures: [{ at: tomorrow.toISOString() }],
  };
  t.equal((await gina("/api/driver/routes", { method: "POST", json: route })).status, 201, "Gina drives Alpha → Gamma");
  t.equal(
    (await gamma.api("/api/following", { method: "POST", json: { actor: alpha.actorUrl } })).status < 300,
    true,
    "gamma follows alpha",
  );

  const offer = async (t: Tap, resource: string, quantity: number) =>
    t.equal(
      (
        await alpha.api("/api/offers", {
          method: "POST",
          json: { resource, quantity, availableFrom: future(0), availableUntil: future(10), pickup: place },
        })
      ).status,
      201,
    );
  const need = async (t: Tap, resource: string, quantity: number) =>
    t.equal(
      (
        await gamma.api("/api/needs", {
          method: "POST",
          json: { resource, quantity, priority: "important", neededBy: future(10), delivery: place },
        })
      ).status,
      201,
    );

  const until = exchangeUntil;
  /** A round on gamma for one resource; returns the exchange both nodes know. */
  const propose = async (t: Tap, resource: string) => {
    await eventually(
      async () =>
        (await gamma.getJson("/api/network/offers")).items.some((i: any) => i.resource.uri.endsWith(`/${resource}`)),
      `gamma to see alpha's ${resource}`,
    );
    await eventually(
      async () => (await gamma.getJson("/api/route-graph")).edges.length > 0,
      "gamma to know Gina's route",
    );
    const round = await (await gamma.api("/api/rounds", { method: "POST", json: { answerSeconds: 3600 } })).json();
    let found: any = null;
    for (const uri of round.exchanges) {
      const x = await exchangeAt(gamma, uri);
      if (x?.proposal.resource.endsWith(`/${resource}`)) found = x;
    }
    t.ok(found, `a ${resource} proposal alpha → gamma`);
    const atAlpha = await until(alpha, found.uri, (x) => x.status === "proposed", "has the proposal");
    return { uri: found.uri as string, alphaId: atAlpha.id as string, gammaId: found.id as string };
  };
  const alphaAccepts = (uri: string) => outbox(alpha, "Accept").filter((a) => JSON.stringify(a).includes(uri));

  const samples: Record<string, unknown> = {};
  let grain: { uri: string; alphaId: string; gammaId: string; haul: string };
  await t.test("a passed vote: alpha's Accept reaches gamma and the exchange is agreed", async (t) => {
    await offer(t, "grain", 100);
    await need(t, "grain", 40);
    const x = await propose(t, "grain");
    t.equal(
      (await gamma.api(`/api/exchanges/${x.gammaId}/accept`, { method: "POST", json: {} })).status,
      200,
      "gamma (receiving: no vote needed) accepts",
    );

    const asked = await alpha.api(`/api/exchanges/${x.alphaId}/accept`, { method: "POST", json: {} });
    t.equal(asked.status, 202, "alpha's coordinator accepts: the assembly must vote first");
    const pending = await asked.json();
    t.match(pending, { awaiting: "ratification", reasons: [/above the threshold of 10/] });
    const vote = await alpha.getJson(`/api/votes/${pending.vote}`);
    t.match(
      vote,
      { state: "open", options: ["yes", "no"], subject: { kind: "commitment" } },
      "the vote is open to members",
    );
    t.same(alphaAccepts(x.uri), [], "nothing sent while the vote is open");
    t.equal((await exchangeAt(gamma, x.uri)).answers.supplier, null, "gamma has no answer from alpha yet");
    t.equal((await exchangeAt(alpha, x.uri)).reservation, null, "alpha reserved nothing yet");

    for (const [who, choice] of [
      ["ana", "yes"],
      ["ben", "yes"],
      ["cleo", "no"],
    ] as const) {
      t.equal(
        (await alpha.api(`/api/votes/${pending.vote}/ballot`, { method: "POST", json: { choice }, ...asMember(who) }))
          .status,
        201,
        `${who} votes ${choice}`,
      );
    }
    await closeVoteNow(alpha, pending.vote, members.ana!);
    t.match(
      await alpha.getJson(`/api/votes/${pending.vote}`),
      { state: "closed", outcome: "passed" },
      "the vote passed",
    );

    for (const node of [alpha, gamma]) {
      const view = await until(node, x.uri, (v) => v.status === "agreed", "agreed after the vote");
      t.match(view.answers.supplier, { answer: "accept", quantity: 40 }, `${node.handle}: alpha accepted 40`);
      t.equal(view.agreedQuantity, 40, `${node.handle}: 40 agreed`);
    }
    t.match(
      (await exchangeAt(alpha, x.uri)).reservation,
      { quantity: 40, status: "active" },
      "alpha reserves at the vote's close",
    );
    const sent = alphaAccepts(x.uri);
    t.equal(sent.length, 1, "exactly one Accept went out");
    t.equal(sent[0].object, x.uri, "it accepts the exchange");
    const haul = await eventually(
      async () => (await (await gina("/api/driver/hauls")).json()).open.find((h: any) => h.reason === x.uri),
      "Gina to be asked to carry it",
    );
    t.equal(haul.quantity, 40, "the driver's view: the agreed quantity to carry");
    grain = { ...x, haul: haul.id };
    samples.acceptAfterVote = sent[0];
  });

  await t.test(
    "the driver declines; her new departure (heard over the federation) gets the leg asked for again",
    async (t) => {
      t.equal((await gina(`/api/driver/hauls/${grain.haul}/decline`, { method: "POST" })).status, 200, "Gina declines");
      for (const node of [alpha, gamma]) {
        const x = await until(node, grain.uri, (v) => v.legs[0].unserved !== null, "the leg is reported unserved");
        t.match(
          x.legs[0],
          { driver: null, declinedBy: [driver.actor], unserved: /every driver asked declined/ },
          `${node.handle}: why nobody carries it`,
        );
      }
      const later = new Date(tomorrow.getTime() + 86_400_000).toISOString();
      t.equal(
        (
          await gina("/api/driver/routes", {
            method: "POST",
            json: { ...route, name: "second run", departures: [{ at: later }] },
          })
        ).status,
        201,
        "Gina publishes another departure",
      );
      const again = await eventually(
        async () => (await (await gina("/api/driver/hauls")).json()).open.find((h: any) => h.reason === grain.uri),
        "gamma to ask Gina again for the leg",
      );
      t.not(again.id, grain.haul, "a new haul request");
      const newDeparture = again.fits.find((f: any) => f.departsAt === later);
      t.ok(newDeparture, "the new departure can carry it");
      for (const node of [alpha, gamma]) {
        const x = await until(
          node,
          grain.uri,
          (v) => v.legs[0].attempts === 2 && v.legs[0].unserved === null,
          "asked again",
        );
        t.equal(
          x.history.filter((h: any) => h.event.kind === "answered").length,
          2,
          `${node.handle}: the communities were not asked again`,
        );
        t.equal(x.status, "agreed", `${node.handle}: still agreed`);
      }
      t.equal(
        (
          await gina(`/api/driver/hauls/${again.id}/accept`, {
            method: "POST",
            json: { departure: again.fits[0].departure },
          })
        ).status,
        200,
        "Gina takes it",
      );
      for (const node of [alpha, gamma])
        await until(node, grain.uri, (v) => v.legs[0].driver === driver.actor, "the leg has its driver");
      for (const kind of ["legUnserved", "legRequested"])
        samples[kind] = outbox(gamma, "Update").find((a) => eventKind(a) === kind);
      t.ok(samples.legUnserved && samples.legRequested, "gamma told alpha both (as Updates of the exchange)");
      if (process.env.TENDRIL_CAPTURE) writeFileSync(process.env.TENDRIL_CAPTURE, JSON.stringify(samples, null, 2));
    },
  );

  await t.test(
    "a failed vote: alpha's Reject carries the reason and the exchange is rejected everywhere",
    async (t) => {
      await offer(t, "vegetables", 50);
      await need(t, "vegetables", 30);
      const x = await propose(t, "vegetables");
      const asked = await alpha.api(`/api/exchanges/${x.alphaId}/accept`, { method: "POST", json: {} });
      t.equal(asked.status, 202, "the accept opens a vote");
      const { vote } = await asked.json();
      for (const [who, choice] of [
        ["ana", "no"],
        ["ben", "no"],
        ["cleo", "yes"],
      ] as const) {
        t.equal(
          (await alpha.api(`/api/votes/${vote}/ballot`, { method: "POST", json: { choice }, ...asMember(who) })).status,
          201,
        );
      }
      await closeVoteNow(alpha, vote, members.ben!);
      t.match(await alpha.getJson(`/api/votes/${vote}`), { state: "closed", outcome: "failed" }, "the vote failed");
      for (const node of [alpha, gamma]) {
        const view = await until(node, x.uri, (v) => v.status === "rejected", "rejected after the vote");
        t.match(
          view.answers.supplier,
          { answer: "reject", reason: /did not ratify/ },
          `${node.handle}: the reason travels with the Reject`,
        );
      }
      t.equal((await exchangeAt(alpha, x.uri)).reservation, null, "nothing reserved");
      const rejects = outbox(alpha, "Reject").filter((a) => JSON.stringify(a).includes(x.uri));
      t.equal(rejects.length, 1, "one Reject went out");
      samples.rejectAfterVote = rejects[0];
      if (process.env.TENDRIL_CAPTURE) writeFileSync(process.env.TENDRIL_CAPTURE, JSON.stringify(samples, null, 2));
      t.equal(
        (await gamma.api(`/api/exchanges/${x.gammaId}/accept`, { method: "POST", json: {} })).status,
        409,
        "gamma can no longer accept",
      );
      const hauls = await (await gina("/api/driver/hauls")).json();
      t.notOk(
        hauls.open.some((h: any) => h.reason === x.uri),
        "no driver is asked for a rejected exchange",
      );
    },
  );
});
