import { randomBytes } from "node:crypto";
import type { Db } from "../db/client.js";
import type { MemberRow } from "../db/schema/community.js";
import type { DriverRow } from "../db/schema/transport.js";
import { createSession, deleteSession, isCoordinator, memberForSession, SESSION_TTL_MS } from "../community/members.js";
import { isValidAdminToken } from "../node/identity.js";
import { findDriver } from "../transport/drivers.js";

/** Who is looking at a page. */
export type Viewer =
  | { readonly kind: "anon" }
  | { readonly kind: "member"; readonly member: MemberRow; readonly coordinator: boolean }
  | { readonly kind: "driver"; readonly driver: DriverRow }
  | { readonly kind: "admin" };

export const COOKIE = "tendril_session";
const DRIVER_TTL_MS = 12 * 3600 * 1000;
const ADMIN_TTL_MS = 2 * 3600 * 1000;

/**
 * Browser sessions, all in one HttpOnly cookie whose prefix says what it holds:
 * `m.` a member's session token (the community's own sessions table, so a
 * member logged in here is logged in to the API too), `d.` a driver session
 * and `a.` a bootstrap-admin session (both kept in memory: a restart logs
 * them out), `v.` an anonymous visitor (only so the login form has a CSRF token).
 */
export class WebSessions {
  readonly #drivers = new Map<string, { driverId: string; expires: number }>();
  readonly #admins = new Map<string, { token: string; expires: number }>();

  constructor(private readonly db: Db) {}

  resolve(cookie: string | undefined, at = Date.now()): Viewer {
    if (!cookie) return { kind: "anon" };
    const [prefix, value] = [cookie.slice(0, 2), cookie.slice(2)];
    if (prefix === "m.") {
      const member = memberForSession(this.db, value);
      if (member) return { kind: "member", member, coordinator: isCoordinator(member) };
    }
    if (prefix === "d.") {
      const s = this.#drivers.get(value);
      const driver = s && s.expires > at ? findDriver(this.db, s.driverId) : undefined;
      if (driver) return { kind: "driver", driver };
    }
    if (prefix === "a.") {
      const s = this.#admins.get(value);
      // Re-checked every time: the bootstrap token retires once coordinators are elected.
      if (s && s.expires > at && isValidAdminToken(this.db, s.token)) return { kind: "admin" };
    }
    return { kind: "anon" };
  }

  visitor(): string {
    return `v.${randomBytes(18).toString("base64url")}`;
  }

  member(memberId: number): { cookie: string; maxAgeSeconds: number } {
    const s = createSession(this.db, memberId);
    return { cookie: `m.${s.token}`, maxAgeSeconds: SESSION_TTL_MS / 1000 };
  }

  driver(driverId: string): { cookie: string; maxAgeSeconds: number } {
    const id = randomBytes(24).toString("base64url");
    this.#drivers.set(id, { driverId, expires: Date.now() + DRIVER_TTL_MS });
    return { cookie: `d.${id}`, maxAgeSeconds: DRIVER_TTL_MS / 1000 };
  }

  admin(token: string): { cookie: string; maxAgeSeconds: number } {
    const id = randomBytes(24).toString("base64url");
    this.#admins.set(id, { token, expires: Date.now() + ADMIN_TTL_MS });
    return { cookie: `a.${id}`, maxAgeSeconds: ADMIN_TTL_MS / 1000 };
  }

  end(cookie: string | undefined): void {
    if (!cookie) return;
    const value = cookie.slice(2);
    if (cookie.startsWith("m.")) deleteSession(this.db, value);
    if (cookie.startsWith("d.")) this.#drivers.delete(value);
    if (cookie.startsWith("a.")) this.#admins.delete(value);
  }
}
