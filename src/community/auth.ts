import type { FastifyRequest } from "fastify";
import type { Db } from "../db/client.js";
import { type MemberRow, refusedAttemptsTable } from "../db/schema/community.js";
import { HttpProblem, type ProblemKind } from "../lib/problem.js";
import { isValidAdminToken } from "../node/identity.js";
import { isCoordinator, memberForSession } from "./members.js";

/** Who is calling: a member with a session, or the bootstrap admin token while it lives. */
export type Caller = { kind: "member"; member: MemberRow } | { kind: "admin" };

export function bearer(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  return (header ? /^Bearer\s+(\S+)$/i.exec(header)?.[1] : undefined) ?? null;
}

export function identify(db: Db, request: FastifyRequest): Caller | null {
  const token = bearer(request);
  if (!token) return null;
  const member = memberForSession(db, token);
  if (member) return { kind: "member", member };
  return isValidAdminToken(db, token) ? { kind: "admin" } : null;
}

export function requireCaller(db: Db, request: FastifyRequest): Caller {
  const caller = identify(db, request);
  if (!caller)
    throw HttpProblem.of(
      "unauthorized",
      "Log in (POST /api/sessions) and send `Authorization: Bearer <session token>`.",
    );
  return caller;
}

export function requireMember(db: Db, request: FastifyRequest): MemberRow {
  const caller = requireCaller(db, request);
  if (caller.kind !== "member")
    throw HttpProblem.of("forbidden", "This needs a member's session, not the admin token.");
  if (caller.member.status !== "active")
    throw HttpProblem.of("forbidden", "Your membership is not active yet (waiting for approval).");
  return caller.member;
}

/** Coordinators, or the bootstrap admin token until the first coordinators are elected (then it is retired). */
export function requireCoordinator(db: Db, request: FastifyRequest, action: string): Caller {
  const caller = requireCaller(db, request);
  if (caller.kind === "admin" || isCoordinator(caller.member)) return caller;
  throw refuse(db, caller.member.id, action, "forbidden", "Only a coordinator elected by the members may do this.");
}

/**
 * Logs a refused attempt (who, what, why) and returns the problem to throw.
 * Called before any change is written, so the log row is the only trace.
 */
export function refuse(
  db: Db,
  memberId: number | null,
  action: string,
  kind: ProblemKind,
  reason: string,
  field?: string,
): HttpProblem {
  db.insert(refusedAttemptsTable).values({ memberId, action, reason }).run();
  return field && kind === "validation"
    ? HttpProblem.invalid(field, reason)
    : HttpProblem.of(kind, reason, field ? { field } : {});
}

/** A refused voucher spend, logged, as the problem to throw (API and member page alike). */
export function refuseSpend(db: Db, memberId: number, check: { kind: "forbidden" | "conflict" | "unprocessable"; field: string; reason: string }): HttpProblem {
  return refuse(db, memberId, "spend-vouchers", check.kind === "unprocessable" ? "validation" : check.kind, check.reason, check.field);
}
