import { randomBytes, createHash, timingSafeEqual } from "node:crypto";
import { and, count, eq, isNull } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { adminTokensTable, nodeIdentityTable } from "../db/schema/node.js";

export type IdentityCheck = { ok: true; created: boolean } | { ok: false; message: string };

/**
 * Binds the data directory to one community handle on first start. Actor
 * URIs contain the handle, so a later start with another handle would orphan
 * every follower: refuse it.
 */
export function ensureNodeIdentity(db: Db, handle: string): IdentityCheck {
  const existing = db.select().from(nodeIdentityTable).get();
  if (!existing) {
    db.insert(nodeIdentityTable).values({ id: 1, handle }).run();
    return { ok: true, created: true };
  }
  if (existing.handle !== handle) {
    return {
      ok: false,
      message: `this data directory belongs to community "${existing.handle}"; the handle cannot change (got "${handle}")`,
    };
  }
  return { ok: true, created: false };
}

function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/**
 * Creates the bootstrap admin token when the node has none. Returns the token
 * itself exactly once (only its hash is stored), or null when one exists.
 */
export function ensureBootstrapToken(db: Db): string | null {
  const row = db.select({ n: count() }).from(adminTokensTable).get();
  if ((row?.n ?? 0) > 0) return null;
  const token = randomBytes(32).toString("base64url");
  db.insert(adminTokensTable).values({ tokenHash: hashToken(token), label: "bootstrap" }).run();
  return token;
}

export function isValidAdminToken(db: Db, token: string): boolean {
  const hash = hashToken(token);
  const row = db
    .select({ tokenHash: adminTokensTable.tokenHash })
    .from(adminTokensTable)
    .where(and(eq(adminTokensTable.tokenHash, hash), isNull(adminTokensTable.retiredAt)))
    .get();
  return row !== undefined && timingSafeEqual(Buffer.from(row.tokenHash), Buffer.from(hash));
}

/**
 * Retires the bootstrap admin token(s): once the members have elected
 * coordinators, the founding credential stops working. Returns how many were retired.
 */
export function retireBootstrapTokens(db: Db, at: number): number {
  return db
    .update(adminTokensTable)
    .set({ retiredAt: at })
    .where(and(eq(adminTokensTable.label, "bootstrap"), isNull(adminTokensTable.retiredAt)))
    .run().changes;
}

/** Whether some bootstrap token still works (policy may be set directly only until then). */
export function hasLiveBootstrapToken(db: Db): boolean {
  const row = db
    .select({ n: count() })
    .from(adminTokensTable)
    .where(and(eq(adminTokensTable.label, "bootstrap"), isNull(adminTokensTable.retiredAt)))
    .get();
  return (row?.n ?? 0) > 0;
}
