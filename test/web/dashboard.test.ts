import t from "tap";
import { findFollower, upsertFollower } from "../../src/network/follows.js";
import { buildTestApp } from "../helpers/test-app.js";
import { FormClient } from "../helpers/web-client.js";

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

t.test("the dashboard changes and withdraws offers with the same rules as the API", async (t) => {
  const node = await buildTestApp(t, { location: { lat: 45.46, lon: 9.19, name: "Milano" } });
  const admin = new FormClient(node);
  await admin.login({ as: "admin", token: node.token });
  const csrf = await admin.csrf("/admin");
  const created = await admin.post("/admin/needs", { _csrf: csrf, resource: "grain", quantity: "40", priority: "essential", neededBy: day(5), lat: "45.46", lon: "9.19", placeName: "" });
  t.equal(created.statusCode, 303);
  const [need] = (await node.app.inject({ method: "GET", url: "/api/needs", headers: node.auth })).json().items;
  t.equal(need.priority, "essential");
  t.equal(need.delivery.name, "Milano", "an empty place name falls back to the community's own");

  t.equal((await admin.post(`/admin/needs/${need.id}/quantity`, { _csrf: csrf, quantity: "55" })).statusCode, 303);
  const history = (await node.app.inject({ method: "GET", url: `/api/needs/${need.id}/history`, headers: node.auth })).json().items;
  t.same(history.map((h: { change: string; newQuantity: number }) => [h.change, h.newQuantity]), [["created", 40], ["updated", 55]], "the change is in the history");
  t.equal((await admin.post(`/admin/needs/${need.id}/quantity`, { _csrf: csrf, quantity: "lots" })).statusCode, 400, "a quantity that is not a number is refused");

  t.equal((await admin.post(`/admin/needs/${need.id}/withdraw`, { _csrf: csrf })).statusCode, 303);
  const again = await admin.post(`/admin/needs/${need.id}/withdraw`, { _csrf: csrf });
  t.equal(again.statusCode, 409, "withdrawing twice is a conflict, shown as a page");
  t.match(again.body, /already withdrawn/);
  const page = await admin.get("/admin");
  t.notMatch(page.body, /<td>Grain/, "a withdrawn need leaves the dashboard list");
  t.match(page.body, /No exchange proposals yet\./, "the exchange section shows its empty state");
});

t.test("follow requests are approved from the dashboard; drivers registered there can log in", async (t) => {
  const node = await buildTestApp(t);
  const { db } = node.services;
  upsertFollower(db, {
    followee: "testville",
    actorUri: "https://elsewhere.example/actors/gamma",
    inboxUrl: "https://elsewhere.example/inbox",
    sharedInboxUrl: null,
    followActivityId: "https://elsewhere.example/follows/1",
    status: "pending",
  });
  const admin = new FormClient(node);
  await admin.login({ as: "admin", token: node.token });
  const page = await admin.get("/admin");
  t.match(page.body, /elsewhere\.example\/actors\/gamma/, "the pending request is listed");
  const id = findFollower(db, "testville", "https://elsewhere.example/actors/gamma")?.id;
  const csrf = await admin.csrf("/admin");
  t.equal((await admin.post(`/admin/followers/${id}/approve`, { _csrf: csrf })).statusCode, 303);
  t.equal(findFollower(db, "testville", "https://elsewhere.example/actors/gamma")?.status, "accepted");

  const registered = await admin.post("/admin/drivers", { _csrf: csrf, name: "Ezio", contact: "ezio@example.org", capacityKg: "500" });
  t.equal(registered.statusCode, 201);
  const token = /<code>(drv_[^<]+)<\/code>/.exec(registered.body)?.[1];
  t.ok(token, "the token is shown once");
  const driver = new FormClient(node);
  const login = await driver.login({ as: "driver", token: token ?? "" });
  t.equal(login.headers.location, "/driver");
  const home = await driver.get("/driver");
  t.equal(home.statusCode, 200);
  t.match(home.body, /Driver: Ezio/);
  t.match(home.body, /No open haul requests fit your routes right now\./);
  t.equal((await driver.get("/admin")).statusCode, 403, "a driver does not see the dashboard");
  t.equal((await driver.login({ as: "driver", token: "drv_wrong" })).statusCode, 401, "a wrong token is refused");
});
