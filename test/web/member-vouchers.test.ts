import t from "tap";
import { call, withMembers } from "../helpers/community.js";
import { buildTestApp } from "../helpers/test-app.js";
import { FormClient } from "../helpers/web-client.js";

t.test("a member spends vouchers from their page, by the same rules as the API", async (t) => {
  const node = await buildTestApp(t);
  const members = await withMembers(node, ["rosa", "ugo"]);
  const rosa = new FormClient(node);
  t.equal(
    (await rosa.login({ as: "member", handle: "rosa", password: "rosa-password-123", next: "/me" })).statusCode,
    303,
  );
  const page = await rosa.get("/me");
  t.match(page.body, /40 vouchers this cycle · 0 spent · 40 left/);
  t.match(
    page.body,
    /<label for="spend-amount">How many vouchers<\/label><input id="spend-amount" name="amount" type="number"[^>]* max="40"/,
    "a labelled amount field capped at what is left",
  );
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;

  const spent = await rosa.post("/me/vouchers/spend", { _csrf: csrf, amount: "12", purpose: "three meals <b>hot</b>" });
  t.equal(spent.statusCode, 303);
  t.equal(spent.headers.location, "/me?done=vouchersSpent#vouchers");
  const after = await rosa.get("/me");
  t.match(after.body, /40 vouchers this cycle · 12 spent · 28 left/);
  t.match(after.body, /Spent this cycle/);
  t.match(after.body, /12 · three meals &lt;b&gt;hot&lt;\/b&gt;/, "what it was spent on, escaped");
  const api = await call(node, "GET", "/api/vouchers", members.rosa!.token);
  t.match(api.body.items, [{ amount: 40, spent: 12, remaining: 28 }], "the API sees the same spend");

  const before = JSON.stringify(node.services.sqlite.prepare("SELECT * FROM vouchers ORDER BY id").all());
  const over = await rosa.post("/me/vouchers/spend", { _csrf: csrf, amount: "29", purpose: "more" });
  t.equal(over.statusCode, 400);
  t.match(over.body, /<strong>amount<\/strong>: only 28 vouchers left this cycle/, "the refusal names the field");
  t.equal(
    (await rosa.post("/me/vouchers/spend", { _csrf: csrf, amount: "0", purpose: "x" })).statusCode,
    400,
    "at least one",
  );
  t.equal(
    (await rosa.post("/me/vouchers/spend", { _csrf: csrf, amount: "1.5", purpose: "x" })).statusCode,
    400,
    "whole vouchers",
  );
  t.equal(
    (await rosa.post("/me/vouchers/spend", { _csrf: csrf, amount: "1", purpose: " " })).statusCode,
    400,
    "a purpose is required",
  );
  t.equal(
    (await rosa.post("/me/vouchers/spend", { _csrf: "forged", amount: "1", purpose: "x" })).statusCode,
    403,
    "CSRF",
  );
  t.equal(
    JSON.stringify(node.services.sqlite.prepare("SELECT * FROM vouchers ORDER BY id").all()),
    before,
    "refusals change nothing",
  );
  const refused = node.services.sqlite
    .prepare("SELECT action, reason FROM refused_attempts WHERE action = 'spend-vouchers'")
    .all();
  t.match(refused, [{ reason: "only 28 vouchers left this cycle" }], "a refused spend is logged like the API's");

  const anon = new FormClient(node);
  const anonCsrf = await anon.csrf("/login");
  t.equal(
    (await anon.post("/me/vouchers/spend", { _csrf: anonCsrf, amount: "1", purpose: "x" })).statusCode,
    401,
    "only a logged-in member spends",
  );
});
