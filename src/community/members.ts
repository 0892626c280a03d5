import { createHash, randomBytes, scryptSync, timingSafeEqual } from "node:crypto";
import { and, eq, gt, isNull } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { invitesTable, type MemberRow, membersTable, sessionsTable } from "../db/schema/community.js";
import { now } from "./clock.js";

/** Members, passwords, sessions, invites: persistence with the rules that belong to it. */

const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 32 };
export const SESSION_TTL_MS = 30 * 24 * 3600 * 1000;
export const INVITE_TTL_MS = 14 * 24 * 3600 * 1000;

export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(password, salt, SCRYPT.keylen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p });
  return `scrypt$${salt.toString("base64url")}$${hash.toString("base64url")}`;
}

export function checkPassword(password: string, stored: string | null): boolean {
  // Unknown accounts still pay for one scrypt so timing does not reveal which handles exist.
  const [scheme, saltB64, hashB64] = (stored ?? "scrypt$AAAAAAAAAAAAAAAAAAAAAA$").split("$");
  if (scheme !== "scrypt" || saltB64 === undefined || hashB64 === undefined) return false;
  const expected = Buffer.from(hashB64, "base64url");
  const actual = scryptSync(password, Buffer.from(saltB64, "base64url"), SCRYPT.keylen, {
    N: SCRYPT.N,
    r: SCRYPT.r,
    p: SCRYPT.p,
  });
  return stored !== null && expected.length === actual.length && timingSafeEqual(expected, actual);
}

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

export function findMember(db: Db, id: number): MemberRow | undefined {
  return db.select().from(membersTable).where(eq(membersTable.id, id)).get();
}

export function findMemberByHandle(db: Db, handle: string): MemberRow | undefined {
  return db.select().from(membersTable).where(eq(membersTable.handle, handle)).get();
}

export function listMembers(db: Db): MemberRow[] {
  return db.select().from(membersTable).all();
}

export function activeMembers(db: Db): MemberRow[] {
  return db.select().from(membersTable).where(eq(membersTable.status, "active")).all();
}

/** A coordinator whose term has run out is an ordinary member again. */
export function isCoordinator(m: MemberRow, at = now()): boolean {
  return m.status === "active" && m.role === "coordinator" && (m.coordinatorUntil ?? 0) > at;
}

export function createMember(
  db: Db,
  m: { handle: string; displayName: string; password: string | null; status: "pending" | "active" },
): MemberRow {
  return db
    .insert(membersTable)
    .values({
      handle: m.handle,
      displayName: m.displayName,
      passwordHash: m.password ? hashPassword(m.password) : null,
      status: m.status,
      joinedAt: now(),
    })
    .returning()
    .get();
}

export function setMemberStatus(db: Db, id: number, status: MemberRow["status"]): void {
  db.update(membersTable)
    .set(
      status === "left"
        ? { status, leftAt: now(), role: "member", coordinatorUntil: null }
        : { status, joinedAt: now() },
    )
    .where(eq(membersTable.id, id))
    .run();
  if (status === "left") db.delete(sessionsTable).where(eq(sessionsTable.memberId, id)).run();
}

export function createSession(db: Db, memberId: number): { token: string; expiresAt: number } {
  const token = randomBytes(32).toString("base64url");
  const expiresAt = now() + SESSION_TTL_MS;
  db.insert(sessionsTable)
    .values({ tokenHash: sha256(token), memberId, expiresAt })
    .run();
  return { token, expiresAt };
}

/** The active member behind a session token, or undefined. */
export function memberForSession(db: Db, token: string): MemberRow | undefined {
  const row = db
    .select({ member: membersTable })
    .from(sessionsTable)
    .innerJoin(membersTable, eq(membersTable.id, sessionsTable.memberId))
    .where(and(eq(sessionsTable.tokenHash, sha256(token)), gt(sessionsTable.expiresAt, now())))
    .get();
  return row && row.member.status !== "left" ? row.member : undefined;
}

export function deleteSession(db: Db, token: string): void {
  db.delete(sessionsTable)
    .where(eq(sessionsTable.tokenHash, sha256(token)))
    .run();
}

export function createInvite(db: Db, createdBy: number | null): { token: string; expiresAt: number } {
  const token = randomBytes(24).toString("base64url");
  const expiresAt = now() + INVITE_TTL_MS;
  db.insert(invitesTable)
    .values({ tokenHash: sha256(token), createdBy, expiresAt })
    .run();
  return { token, expiresAt };
}

/** Marks an unused, unexpired invite as used by `memberId`; false when it is not valid. */
export function useInvite(db: Db, token: string, memberId: number): boolean {
  const r = db
    .update(invitesTable)
    .set({ usedBy: memberId })
    .where(
      and(eq(invitesTable.tokenHash, sha256(token)), isNull(invitesTable.usedBy), gt(invitesTable.expiresAt, now())),
    )
    .run();
  return r.changes === 1;
}

export function inviteIsValid(db: Db, token: string): boolean {
  const row = db
    .select()
    .from(invitesTable)
    .where(
      and(eq(invitesTable.tokenHash, sha256(token)), isNull(invitesTable.usedBy), gt(invitesTable.expiresAt, now())),
    )
    .get();
  return row !== undefined;
}

/** In-memory login throttle per account and per address: 5 failures in 15 minutes lock out for the rest of the window. */
export class LoginLimiter {
  readonly #failures = new Map<string, number[]>();
  constructor(
    readonly max = 5,
    readonly windowMs = 15 * 60 * 1000,
  ) {}

  blocked(keys: readonly string[], at = now()): boolean {
    return keys.some((k) => this.#recent(k, at).length >= this.max);
  }

  fail(keys: readonly string[], at = now()): void {
    for (const k of keys) this.#failures.set(k, [...this.#recent(k, at), at]);
  }

  succeed(keys: readonly string[]): void {
    for (const k of keys) this.#failures.delete(k);
  }

  #recent(key: string, at: number): number[] {
    return (this.#failures.get(key) ?? []).filter((t) => t > at - this.windowMs);
  }
}
