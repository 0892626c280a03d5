import t from "tap";
import { buildTestApp } from "../helpers/test-app.js";

t.test("unknown routes answer 404 problem+json", async (t) => {
  const node = await buildTestApp(t);
  const res = await node.app.inject({ method: "GET", url: "/no/such/thing" });
  t.equal(res.statusCode, 404);
  t.match(res.headers["content-type"], /^application\/problem\+json/);
  t.match(res.json(), { type: "/problems/not-found", status: 404, title: "Not found" });
});

t.test("admin endpoints need the admin token", async (t) => {
  const node = await buildTestApp(t);
  const none = await node.app.inject({ method: "GET", url: "/api/following" });
  t.equal(none.statusCode, 401);
  t.match(none.json(), { type: "/problems/unauthorized", detail: /Authorization: Bearer/ });
  const wrong = await node.app.inject({ method: "GET", url: "/api/following", headers: { authorization: "Bearer nope" } });
  t.equal(wrong.statusCode, 401);
  const right = await node.app.inject({ method: "GET", url: "/api/following", headers: node.auth });
  t.equal(right.statusCode, 200);
  t.same(right.json(), { items: [] });
});

t.test("validation errors name the field", async (t) => {
  const node = await buildTestApp(t);
  const missing = await node.app.inject({ method: "POST", url: "/api/following", headers: node.auth, payload: {} });
  t.equal(missing.statusCode, 400);
  t.match(missing.json(), { type: "/problems/validation", errors: [{ name: "actor", reason: "is required" }] });

  const extra = await node.app.inject({
    method: "POST",
    url: "/api/following",
    headers: node.auth,
    payload: { actor: "http://x", colour: "red" },
  });
  t.match(extra.json(), { errors: [{ name: "colour", reason: "is not a known field" }] });

  const badQuery = await node.app.inject({ method: "GET", url: "/api/followers?limit=0", headers: node.auth });
  t.equal(badQuery.statusCode, 400);
  t.match(badQuery.json(), { errors: [{ name: "querystring.limit" }] });

  const badJson = await node.app.inject({
    method: "POST",
    url: "/api/following",
    headers: { ...node.auth, "content-type": "application/json" },
    payload: "{not json",
  });
  t.equal(badJson.statusCode, 400);
  t.match(badJson.json(), { errors: [{ name: "body", reason: "is not valid JSON" }] });
});

t.test("a follow target that is not an actor is refused by field", async (t) => {
  const node = await buildTestApp(t);
  const res = await node.app.inject({
    method: "POST",
    url: "/api/following",
    headers: node.auth,
    payload: { actor: "not-a-url-or-handle" },
  });
  t.equal(res.statusCode, 400);
  t.match(res.json(), { errors: [{ name: "actor", reason: /could not be fetched/ }] });
});

t.test("oversized bodies get 413 problem+json", async (t) => {
  const node = await buildTestApp(t, { bodyLimit: 1024 });
  const res = await node.app.inject({
    method: "POST",
    url: "/api/following",
    headers: node.auth,
    payload: { actor: "x".repeat(5000) },
  });
  t.equal(res.statusCode, 413);
  t.match(res.json(), { type: "/problems/payload-too-large" });
});

t.test("5xx bodies reveal nothing about internals", async (t) => {
  const node = await buildTestApp(t, {}, (n) => {
    n.app.get("/boom", async () => {
      throw new Error("secret database path /var/lib/x");
    });
  });
  const res = await node.app.inject({ method: "GET", url: "/boom" });
  t.equal(res.statusCode, 500);
  t.notMatch(res.body, /secret|var\/lib/);
  t.match(res.json(), { type: "/problems/internal", status: 500 });
});

t.test("OpenAPI is served at /docs", async (t) => {
  const node = await buildTestApp(t);
  const res = await node.app.inject({ method: "GET", url: "/docs/json" });
  t.equal(res.statusCode, 200);
  t.ok(res.json().paths["/api/following"], "the follows API is documented");
});
