import t from "tap";
import { AP_ACCEPT, eventually, startNode } from "../helpers/node-process.js";

// Several real nodes on a 2-core machine that may be running other tests too: allow up to 10 minutes.
t.setTimeout(600_000);

t.test("two nodes: B follows A by actor URL, A accepts, Undo removes it", async (t) => {
  const [a, b] = await Promise.all([startNode(t, { handle: "alpha" }), startNode(t, { handle: "beta" })]);
  t.ok(a.token && b.token, "each node printed an admin token on first start");

  const follow = await b.api("/api/following", { method: "POST", json: { actor: a.actorUrl } });
  t.equal(follow.status, 202, "the follow request is accepted for delivery");
  const state = await follow.json();
  t.equal(state.status, "pending");
  t.equal(state.actor, a.actorUrl);

  await eventually(async () => {
    const list = await b.getJson("/api/following");
    return list.items[0]?.status === "accepted";
  }, "B to see its follow accepted");

  const followers = await a.getJson(`/actors/alpha/followers`, AP_ACCEPT);
  t.equal(followers.totalItems, 1, "A's followers collection counts B");
  const firstPage = await a.getJson(new URL(followers.first).pathname + new URL(followers.first).search, AP_ACCEPT);
  t.same(firstPage.orderedItems, [b.actorUrl], "A's followers collection lists B");

  const undo = await b.api(`/api/following/${state.id}`, { method: "DELETE" });
  t.equal(undo.status, 204);
  await eventually(async () => (await a.getJson(`/actors/alpha/followers`, AP_ACCEPT)).totalItems === 0, "Undo to reach A");
  t.same((await b.getJson("/api/following")).items, [], "B no longer lists A");
});

t.test("manual follow policy: the follow waits for an admin, who approves it", async (t) => {
  const [a, b] = await Promise.all([
    startNode(t, { handle: "alpha", args: ["--follow-policy", "manual"] }),
    startNode(t, { handle: "beta" }),
  ]);
  const actor = await a.getJson("/actors/alpha", AP_ACCEPT);
  t.equal(actor.manuallyApprovesFollowers, true, "the actor says follows are approved by hand");

  await b.api("/api/following", { method: "POST", json: { actor: a.actorUrl } });
  const pending = await eventually(async () => {
    const list = await a.getJson("/api/followers?status=pending");
    return list.items[0];
  }, "A to record the pending follow");
  t.equal(pending.actor, b.actorUrl);
  t.equal((await b.getJson("/api/following")).items[0].status, "pending", "B still waits");

  const approve = await a.api(`/api/followers/${pending.id}/approve`, { method: "POST" });
  t.equal(approve.status, 200);
  await eventually(async () => (await b.getJson("/api/following")).items[0]?.status === "accepted", "B to see the Accept");
  t.equal((await a.getJson("/actors/alpha/followers", AP_ACCEPT)).totalItems, 1);

  const again = await a.api(`/api/followers/${pending.id}/approve`, { method: "POST" });
  t.equal(again.status, 409, "approving twice is a conflict");
  t.match(again.headers.get("content-type"), /^application\/problem\+json/);
});

t.test("manual policy: a rejected follow is recorded as rejected at the follower", async (t) => {
  const [a, b] = await Promise.all([
    startNode(t, { handle: "alpha", args: ["--follow-policy", "manual"] }),
    startNode(t, { handle: "beta" }),
  ]);
  await b.api("/api/following", { method: "POST", json: { actor: a.actorUrl } });
  const pending = await eventually(async () => (await a.getJson("/api/followers?status=pending")).items[0], "pending follow");
  const reject = await a.api(`/api/followers/${pending.id}/reject`, { method: "POST" });
  t.equal(reject.status, 200);
  await eventually(async () => (await b.getJson("/api/following")).items[0]?.status === "rejected", "B to see the Reject");
  t.equal((await a.getJson("/actors/alpha/followers", AP_ACCEPT)).totalItems, 0);
});

t.test("WebFinger, NodeInfo and content negotiation on the actor URL", async (t) => {
  const a = await startNode(t, { handle: "alpha", name: "Alpha <Commune>" });
  const wf = await a.getJson(`/.well-known/webfinger?resource=acct:alpha@127.0.0.1:${a.port}`, "application/jrd+json");
  t.equal(wf.subject, `acct:alpha@127.0.0.1:${a.port}`);
  t.ok(
    wf.links.some((l: { rel: string; href: string }) => l.rel === "self" && l.href === a.actorUrl),
    "WebFinger points at the actor",
  );

  const links = await a.getJson("/.well-known/nodeinfo");
  const href = links.links.find((l: { rel: string }) => l.rel.includes("nodeinfo.diaspora.software/ns/schema/2.1")).href;
  const info = await a.getJson(new URL(href).pathname);
  t.equal(info.software.name, "tendril");
  t.same(info.protocols, ["activitypub"]);

  const ap = await a.api("/actors/alpha", { headers: { accept: AP_ACCEPT } });
  t.match(ap.headers.get("content-type"), /application\/activity\+json/);
  const actor = await ap.json();
  t.equal(actor.type, "Group");
  t.equal(actor.id, a.actorUrl);
  t.match(actor.publicKey.publicKeyPem, /BEGIN PUBLIC KEY/);
  t.equal(actor.assertionMethod.length, 2, "RSA and Ed25519 keys are both published");
  t.equal(actor.endpoints.sharedInbox, `${a.origin}/inbox`);

  const browser = await a.api("/actors/alpha", { headers: { accept: "text/html,application/xhtml+xml" } });
  t.match(browser.headers.get("content-type"), /text\/html/);
  const page = await browser.text();
  t.match(page, /Alpha &lt;Commune&gt;/, "the browser gets an HTML page with the name escaped");
});

t.test("restarting a node keeps its keys and its followers", async (t) => {
  const [a, b] = await Promise.all([startNode(t, { handle: "alpha" }), startNode(t, { handle: "beta" })]);
  await b.api("/api/following", { method: "POST", json: { actor: a.actorUrl } });
  await eventually(async () => (await a.getJson("/actors/alpha/followers", AP_ACCEPT)).totalItems === 1, "follow");
  const before = await a.getJson("/actors/alpha", AP_ACCEPT);

  const token = a.token;
  a.output = "";
  await a.restart();
  t.notMatch(a.output, /Admin token/, "the admin token is not printed again");
  a.token = token;

  const after = await a.getJson("/actors/alpha", AP_ACCEPT);
  t.equal(after.publicKey.publicKeyPem, before.publicKey.publicKeyPem, "same RSA key");
  t.same(after.assertionMethod, before.assertionMethod, "same Ed25519 key");
  t.equal((await a.getJson("/actors/alpha/followers", AP_ACCEPT)).totalItems, 1, "follower kept");
  t.equal((await a.api("/api/followers")).status, 200, "the old admin token still works");
});
