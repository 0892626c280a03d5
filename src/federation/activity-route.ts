import { eq } from "drizzle-orm";
import { outboxTable } from "../db/schema/federation.js";
import type { App, HttpDeps } from "../http/types.js";
import { HttpProblem } from "../lib/problem.js";

/** Our activities are dereferenceable at their ids (peers fetch an Accept's object, for instance). */
export function registerActivityRoute(app: App, deps: HttpDeps): void {
  app.get<{ Params: { id: string } }>("/activities/:id", { schema: { hide: true } }, async (request, reply) => {
    const id = new URL(request.url, deps.services.config.origin).href;
    const row = deps.services.db.select().from(outboxTable).where(eq(outboxTable.activityId, id)).get();
    if (!row) throw HttpProblem.of("notFound", "No such activity");
    return reply.type("application/activity+json").send(row.activityJson);
  });
}
