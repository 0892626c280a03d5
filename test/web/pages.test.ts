import t from "tap";
import { networkItemsTable } from "../../src/db/schema/supply.js";
import { saveRoute } from "../../src/transport/store.js";
import { setFollowingStatus, upsertFollowing } from "../../src/network/follows.js";
import { withMembers } from "../helpers/community.js";
import { buildTestApp } from "../helpers/test-app.js";
import { FormClient } from "../helpers/web-client.js";

const EVIL_SCRIPT = "<script>alert(1)</script>";
const EVIL_IMG = '<img src=x onerror="alert(2)">';

t.test("the session cookie is HttpOnly and SameSite=Lax; Secure only on an https origin", async (t) => {
  const plain = await buildTestApp(t);
  const r = await plain.app.inject({ method: "GET", url: "/login" });
  const cookie = String(r.headers["set-cookie"]);
  t.match(cookie, /^tendril_session=v\./);
  t.match(cookie, /HttpOnly/);
  t.match(cookie, /SameSite=Lax/);
  t.notMatch(cookie, /Secure/, "no Secure flag on http://127.0.0.1");
  const secure = await buildTestApp(t, { origin: "https://tendril.example" });
  const s = await secure.app.inject({ method: "GET", url: "/login" });
  t.match(String(s.headers["set-cookie"]), /; Secure/, "Secure on an https origin");
});

t.test("every form POST needs the CSRF token of its own session", async (t) => {
  const node = await buildTestApp(t);
  const admin = new FormClient(node);
  t.equal((await admin.login({ as: "admin", token: node.token })).statusCode, 303, "the admin logs in with the token");
  const token = await admin.csrf("/admin");
  const offer = {
    resource: "potatoes",
    quantity: "120",
    availableFrom: new Date().toISOString().slice(0, 10),
    availableUntil: new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10),
    placeName: "Depot",
    lat: "45.4",
    lon: "9.2",
  };

  const missing = await admin.post("/admin/offers", offer);
  t.equal(missing.statusCode, 403, "no token: refused");
  t.match(missing.body, /did not come from this site/);
  t.equal((await admin.post("/admin/offers", { ...offer, _csrf: `${token.slice(0, -2)}xx` })).statusCode, 403, "a wrong token: refused");
  const other = new FormClient(node);
  const othersToken = await other.csrf("/login");
  t.equal((await admin.post("/admin/offers", { ...offer, _csrf: othersToken })).statusCode, 403, "another session's token: refused");
  const list = await node.app.inject({ method: "GET", url: "/api/offers", headers: node.auth });
  t.same(list.json().items, [], "nothing was created by the refused posts");

  const noCookie = await node.app.inject({
    method: "POST",
    url: "/login",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    payload: `as=admin&token=${node.token}&_csrf=${othersToken}`,
  });
  t.equal(noCookie.statusCode, 403, "a login post without the cookie its token belongs to is refused");

  const ok = await admin.post("/admin/offers", { ...offer, _csrf: token });
  t.equal(ok.statusCode, 303, "with the right token the offer is created");
  t.equal(ok.headers.location, "/admin?done=offerCreated#offers", "back to the dashboard with a message");
  const items = (await node.app.inject({ method: "GET", url: "/api/offers", headers: node.auth })).json().items;
  t.equal(items.length, 1);
  t.equal(items[0].quantity, 120);
  t.equal(items[0].pickup.name, "Depot");
});

t.test("bad form input gets a page naming the field, and nothing is written", async (t) => {
  const node = await buildTestApp(t);
  const admin = new FormClient(node);
  await admin.login({ as: "admin", token: node.token });
  const token = await admin.csrf("/admin");
  const r = await admin.post("/admin/needs", {
    _csrf: token,
    resource: "potatoes",
    quantity: "-3",
    priority: "essential",
    neededBy: "2020-01-01",
    lat: "45",
    lon: "9",
  });
  t.equal(r.statusCode, 400);
  t.match(r.headers["content-type"], /text\/html/);
  t.match(r.body, /quantity/);
  t.same((await node.app.inject({ method: "GET", url: "/api/needs", headers: node.auth })).json().items, []);
});

t.test("login is throttled per account and address: the sixth try gets 429 even with the right password", async (t) => {
  const node = await buildTestApp(t);
  await withMembers(node, ["rosa"]);
  const browser = new FormClient(node);
  for (let i = 0; i < 5; i++) {
    const r = await browser.login({ as: "member", handle: "rosa", password: "wrong-password" });
    t.equal(r.statusCode, 401, `failure ${i + 1} is refused`);
  }
  const blocked = await browser.login({ as: "member", handle: "rosa", password: "rosa-password-123" });
  t.equal(blocked.statusCode, 429, "then even the right password waits");
  t.match(blocked.body, /Too many failed attempts/);
  t.match(blocked.headers["content-type"], /text\/html/);
  const driverTry = await browser.login({ as: "driver", token: "drv_nothing" });
  t.equal(driverTry.statusCode, 429, "the address is blocked for driver logins too");
});

t.test("members log in, vote and sign up; pages check who is looking", async (t) => {
  const node = await buildTestApp(t);
  const members = await withMembers(node, ["rosa", "ugo"]);
  const created = await node.app.inject({
    method: "POST",
    url: "/api/votes",
    headers: node.auth,
    payload: { question: "Plant beans?", options: ["yes", "no"], subject: { kind: "question" } },
  });
  t.equal(created.statusCode, 201, JSON.stringify(created.json()));
  const voteId = created.json().id as number;

  const anon = new FormClient(node);
  const redirect = await anon.get("/admin");
  t.equal(redirect.statusCode, 303, "anonymous: to the login page");
  t.equal(redirect.headers.location, "/login?next=%2Fadmin");

  const rosa = new FormClient(node);
  const login = await rosa.login({ as: "member", handle: "rosa", password: "rosa-password-123", next: "/me" });
  t.equal(login.statusCode, 303);
  t.equal(login.headers.location, "/me");
  t.equal((await rosa.get("/admin")).statusCode, 403, "a member who is not a coordinator does not see the dashboard");
  t.equal((await rosa.get("/driver")).statusCode, 403, "nor the driver pages");
  const me = await rosa.get("/me");
  t.equal(me.statusCode, 200);
  t.match(me.body, /Plant beans\?/);
  const token = /name="_csrf" value="([^"]+)"/.exec(me.body)?.[1] ?? "";
  const vote = await rosa.post(`/me/votes/${voteId}`, { _csrf: token, choice: "yes" });
  t.equal(vote.statusCode, 303);
  const mine = await node.app.inject({ method: "GET", url: `/api/votes/${voteId}`, headers: { authorization: `Bearer ${members.rosa?.token}` } });
  t.equal(mine.json().myChoice, "yes", "the ballot is the one the API sees");
  const bad = await rosa.post(`/me/votes/${voteId}`, { _csrf: token, choice: "maybe" });
  t.equal(bad.statusCode, 400, "a choice that is not an option is refused");
  t.equal((await rosa.post(`/me/votes/${voteId}`, { _csrf: token, choice: "no" })).statusCode, 303, "the vote can be changed while open");

  const out = await rosa.post("/logout", { _csrf: token });
  t.equal(out.statusCode, 303);
  t.equal((await rosa.get("/me")).statusCode, 303, "after logout /me sends to the login page");
  const stale = await node.app.inject({ method: "GET", url: "/api/vouchers", headers: { authorization: `Bearer ${members.rosa?.token}` } });
  t.equal(stale.statusCode, 200, "logging out of the browser leaves the member's separate API session alone");
});

t.test("text from remote objects is escaped on every page (no stored XSS)", async (t) => {
  const node = await buildTestApp(t, { location: { lat: 45.46, lon: 9.19, name: "Milano" } });
  const { db } = node.services;
  const self = "http://127.0.0.1:9/actors/testville";
  const evilActor = "https://evil.example/actors/x";
  const followed = upsertFollowing(db, {
    actorUri: "javascript:alert(3)",
    inboxUrl: "https://evil.example/inbox",
    sharedInboxUrl: null,
    handle: "x",
    name: EVIL_IMG,
    followActivityId: "https://127.0.0.1:9/activities/1",
  });
  setFollowingStatus(db, followed.id, "accepted");
  const departsAt = Date.now() + 86_400_000;
  saveRoute(db, {
    uri: "https://evil.example/routes/1",
    driverId: null,
    driverUri: "https://evil.example/actors/driver",
    driverInbox: "https://evil.example/inbox",
    name: EVIL_SCRIPT,
    stops: [
      { uri: self, name: "Testville", lat: 45.46, lon: 9.19, inbox: null, sharedInbox: null },
      { uri: evilActor, name: EVIL_SCRIPT, lat: 44.5, lon: 11.3, inbox: null, sharedInbox: null },
    ],
    legs: [{ distanceKm: 200, durationMinutes: 150 }],
    schedule: [],
    refrigerated: false,
    status: "active",
    departures: [
      { uri: "https://evil.example/departures/1", departsAt, cancelled: false, legs: [{ leg: 0, capacityKg: 500, capacityM3: 5, remainingKg: 400, remainingM3: 5 }] },
    ],
  });

  db.insert(networkItemsTable)
    .values({
      objectUri: "https://evil.example/offers/1",
      actorUri: "javascript:alert(3)",
      kind: "offer",
      resourceUri: "https://evil.example/resources/x",
      resourceName: EVIL_SCRIPT,
      category: "food",
      unit: "kg",
      quantity: 5,
      windowStart: null,
      windowEnd: Date.now() + 86_400_000,
      priority: null,
      lat: null,
      lon: null,
      locationName: EVIL_IMG,
      name: EVIL_IMG,
      version: 1,
      status: "active",
      activityId: "https://evil.example/activities/1",
      receivedAt: Date.now(),
    })
    .run();
  const admin = new FormClient(node);
  await admin.login({ as: "admin", token: node.token });

  for (const url of ["/actors/testville", "/map", "/map/table", "/admin"]) {
    const r = url === "/admin" ? await admin.get(url) : await node.app.inject({ method: "GET", url, headers: { accept: "text/html" } });
    t.equal(r.statusCode, 200, `${url} renders`);
    t.notMatch(r.body, /<script>alert/, `${url}: no live script tag`);
    t.notMatch(r.body, /<img src=x/, `${url}: no live img tag`);
    t.notMatch(r.body, /href="javascript:/, `${url}: no javascript: link`);
  }
  t.match((await admin.get("/admin")).body, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/, "the remote offer is on the dashboard, as text");
  const page = (await node.app.inject({ method: "GET", url: "/actors/testville", headers: { accept: "text/html" } })).body;
  t.match(page, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/, "the route's name is shown, as text");
  t.match(page, /&lt;img src=x onerror=&quot;alert\(2\)&quot;&gt;/, "the followed community's name is shown, as text");
  const map = (await node.app.inject({ method: "GET", url: "/map", headers: { accept: "text/html" } })).body;
  t.equal((map.match(/<circle class="dot"/g) ?? []).length, 2, "both communities are on the map");
  t.equal((map.match(/class="leg"/g) ?? []).length, 1, "the leg is drawn");
  t.match(map, /400 kg of room/, "with the room left as its title");
});
