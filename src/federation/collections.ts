import type { Federation } from "@fedify/fedify";
import { Activity } from "@fedify/vocab";
import { and, count, desc, eq, lt } from "drizzle-orm";
import { outboxTable } from "../db/schema/federation.js";
import { countFollowers, listFollowers } from "../network/follows.js";
import { type NodeServices, PATHS } from "./context.js";

const PAGE_SIZE = 50;

/** Followers and outbox collections of our actors, paged by row id. */
export function registerCollections(federation: Federation<NodeServices>): void {
  federation
    .setFollowersDispatcher(PATHS.followers, (ctx, identifier, cursor) => {
      if (cursor === null) return null;
      const page = listFollowers(ctx.data.db, identifier, {
        status: "accepted",
        after: cursor === "" ? undefined : Number(cursor),
        limit: PAGE_SIZE,
      });
      return {
        items: page.items.map((f) => ({
          id: new URL(f.actorUri),
          inboxId: new URL(f.inboxUrl),
          endpoints: { sharedInbox: f.sharedInboxUrl ? new URL(f.sharedInboxUrl) : null },
        })),
        nextCursor: page.next === null ? null : String(page.next),
      };
    })
    .setFirstCursor(() => "")
    .setCounter((ctx, identifier) => countFollowers(ctx.data.db, identifier));

  federation
    .setOutboxDispatcher(PATHS.outbox, async (ctx, identifier, cursor) => {
      if (cursor === null) return null;
      const rows = ctx.data.db
        .select()
        .from(outboxTable)
        .where(
          and(
            eq(outboxTable.sender, identifier),
            eq(outboxTable.listed, true),
            cursor === "" ? undefined : lt(outboxTable.seq, Number(cursor)),
          ),
        )
        .orderBy(desc(outboxTable.seq))
        .limit(PAGE_SIZE + 1)
        .all();
      const page = rows.slice(0, PAGE_SIZE);
      const items = await Promise.all(
        page.map((r) => Activity.fromJsonLd(JSON.parse(r.activityJson), { contextLoader: ctx.contextLoader })),
      );
      return { items, nextCursor: rows.length > PAGE_SIZE ? String(page.at(-1)?.seq) : null };
    })
    .setFirstCursor(() => "")
    .setCounter((ctx, identifier) => {
      const row = ctx.data.db
        .select({ n: count() })
        .from(outboxTable)
        .where(and(eq(outboxTable.sender, identifier), eq(outboxTable.listed, true)))
        .get();
      return row?.n ?? 0;
    });
}
