import { readFileSync } from "node:fs";
import { join } from "node:path";
import t from "tap";

// Domain modules are plain functions over plain data: no HTTP, no federation, no database.
const DOMAIN = ["schedule.ts", "capacity.ts", "route-graph.ts", "hauls.ts", "ways.ts"];

t.test("transport domain modules import neither Fastify, Fedify nor the database", async (t) => {
  for (const file of DOMAIN) {
    const source = readFileSync(join(import.meta.dirname, "../../src/transport", file), "utf8");
    const imports = [...source.matchAll(/from\s+"([^"]+)"/g)].map((m) => m[1]);
    const bad = imports.filter((i) => /fastify|@fedify|drizzle|better-sqlite3|\/db\/|\/federation\/|\/http\//.test(i ?? ""));
    t.same(bad, [], `${file} imports only domain code (${imports.join(", ") || "nothing"})`);
  }
});
