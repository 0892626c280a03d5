import { eq } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { inboxLogTable } from "../../db/schema/federation.js";

/**
 * Records an inbound activity as processed. Returns false when it was
 * already: the caller then skips its effects, so a replay changes nothing.
 * Call inside the transaction that applies the effects.
 */
export function markProcessed(db: Db, activity: { id: string; actor: string; type: string }): boolean {
  const done = db.select().from(inboxLogTable).where(eq(inboxLogTable.activityId, activity.id)).get();
  if (done) return false;
  db.insert(inboxLogTable)
    .values({ activityId: activity.id, actorUri: activity.actor, activityType: activity.type })
    .run();
  return true;
}
