import { and, asc, count, eq, gt } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { type FollowerRow, type FollowingRow, followersTable, followingTable } from "../db/schema/federation.js";

export type FollowerStatus = FollowerRow["status"];
export type FollowingStatus = FollowingRow["status"];

export interface NewFollower {
  readonly followee: string;
  readonly actorUri: string;
  readonly inboxUrl: string;
  readonly sharedInboxUrl: string | null;
  readonly followActivityId: string;
  readonly status: FollowerStatus;
}

/** A repeated Follow from the same actor refreshes the row; an accepted follower stays accepted. */
export function upsertFollower(db: Db, f: NewFollower): FollowerRow {
  const existing = findFollower(db, f.followee, f.actorUri);
  if (existing) {
    const status = existing.status === "accepted" ? "accepted" : f.status;
    return db
      .update(followersTable)
      .set({ ...f, status, updatedAt: Date.now() })
      .where(eq(followersTable.id, existing.id))
      .returning()
      .get();
  }
  return db.insert(followersTable).values(f).returning().get();
}

export function findFollower(db: Db, followee: string, actorUri: string): FollowerRow | undefined {
  return db
    .select()
    .from(followersTable)
    .where(and(eq(followersTable.followee, followee), eq(followersTable.actorUri, actorUri)))
    .get();
}

export function findFollowerById(db: Db, id: number): FollowerRow | undefined {
  return db.select().from(followersTable).where(eq(followersTable.id, id)).get();
}

export function setFollowerStatus(db: Db, id: number, status: FollowerStatus): void {
  db.update(followersTable).set({ status, updatedAt: Date.now() }).where(eq(followersTable.id, id)).run();
}

export function removeFollower(db: Db, followee: string, actorUri: string): boolean {
  const result = db
    .delete(followersTable)
    .where(and(eq(followersTable.followee, followee), eq(followersTable.actorUri, actorUri)))
    .run();
  return result.changes > 0;
}

export interface Page<T> {
  readonly items: T[];
  /** Pass back as `after` for the next page; null on the last page. */
  readonly next: number | null;
}

export function listFollowers(
  db: Db,
  followee: string,
  options: { status?: FollowerStatus; after?: number; limit: number },
): Page<FollowerRow> {
  const items = db
    .select()
    .from(followersTable)
    .where(
      and(
        eq(followersTable.followee, followee),
        options.status ? eq(followersTable.status, options.status) : undefined,
        options.after === undefined ? undefined : gt(followersTable.id, options.after),
      ),
    )
    .orderBy(asc(followersTable.id))
    .limit(options.limit + 1)
    .all();
  const more = items.length > options.limit;
  const page = more ? items.slice(0, options.limit) : items;
  return { items: page, next: more ? (page.at(-1)?.id ?? null) : null };
}

export function countFollowers(db: Db, followee: string, status: FollowerStatus = "accepted"): number {
  const row = db
    .select({ n: count() })
    .from(followersTable)
    .where(and(eq(followersTable.followee, followee), eq(followersTable.status, status)))
    .get();
  return row?.n ?? 0;
}

export interface NewFollowing {
  readonly actorUri: string;
  readonly inboxUrl: string;
  readonly sharedInboxUrl: string | null;
  readonly handle: string | null;
  readonly name: string | null;
  readonly followActivityId: string;
}

/** Following again (after a rejection, say) starts over as pending with the new Follow. */
export function upsertFollowing(db: Db, f: NewFollowing): FollowingRow {
  return db
    .insert(followingTable)
    .values({ ...f, status: "pending" })
    .onConflictDoUpdate({ target: followingTable.actorUri, set: { ...f, status: "pending", updatedAt: Date.now() } })
    .returning()
    .get();
}

export function findFollowing(db: Db, actorUri: string): FollowingRow | undefined {
  return db.select().from(followingTable).where(eq(followingTable.actorUri, actorUri)).get();
}

export function findFollowingById(db: Db, id: number): FollowingRow | undefined {
  return db.select().from(followingTable).where(eq(followingTable.id, id)).get();
}

export function setFollowingStatus(db: Db, id: number, status: FollowingStatus): void {
  db.update(followingTable).set({ status, updatedAt: Date.now() }).where(eq(followingTable.id, id)).run();
}

export function deleteFollowing(db: Db, id: number): void {
  db.delete(followingTable).where(eq(followingTable.id, id)).run();
}

export function listFollowing(db: Db, status?: FollowingStatus): FollowingRow[] {
  return db
    .select()
    .from(followingTable)
    .where(status ? eq(followingTable.status, status) : undefined)
    .orderBy(asc(followingTable.id))
    .all();
}
