/**
 * Fedify's log records reach the node's pino log. A request that is not for
 * Fedify (a page, the API) falls through to Fastify and must not be logged
 * as an error: operators alert on error lines.
 */
import { Writable } from "node:stream";
import { resetSync } from "@logtape/logtape";
import pino from "pino";
import t from "tap";
import { routeFedifyLogsTo } from "../../src/logging.js";
import { buildTestApp } from "../helpers/test-app.js";

t.test("pages and the API fall through Fedify without error or warning lines", async (t) => {
  const lines: { level: number; category?: string; msg: string }[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  routeFedifyLogsTo(pino({ level: "info" }, sink), "info");
  t.teardown(() => resetSync());
  const node = await buildTestApp(t);
  for (const url of ["/", "/api/supply", "/map", "/actors/testville"]) {
    const res = await node.app.inject({ url, headers: { accept: "text/html" } });
    t.ok(res.statusCode < 500, `${url} answered ${res.statusCode}`);
  }
  const nodeinfo = await node.app.inject({ url: "/.well-known/nodeinfo" });
  t.equal(nodeinfo.statusCode, 200, "Fedify still answers what is its own");
  await new Promise((r) => setImmediate(r));
  const loud = lines.filter((l) => l.level >= 40 && l.category?.startsWith("fedify"));
  t.same(loud, [], "no warning or error from Fedify for requests it passes on");
});
