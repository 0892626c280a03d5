import { Type } from "@fastify/type-provider-typebox";
import { inTransaction } from "../db/client.js";
import type { MemberRow } from "../db/schema/community.js";
import type { App, HttpDeps } from "../http/types.js";
import { HttpProblem } from "../lib/problem.js";
import { bearer, refuse, requireCaller, requireCoordinator, requireMember } from "./auth.js";
import { appendLedger } from "./ledger-store.js";
import {
  checkPassword,
  createInvite,
  createMember,
  createSession,
  deleteSession,
  findMember,
  findMemberByHandle,
  inviteIsValid,
  isCoordinator,
  LoginLimiter,
  listMembers,
  setMemberStatus,
  useInvite,
} from "./members.js";
import { loadPolicy } from "./policy-store.js";
import { voidVouchersOf } from "./vouchers.js";

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const Handle = Type.String({ pattern: "^[a-z0-9_]{2,32}$", description: "lowercase letters, digits and _, 2 to 32" });

export function serializeMember(m: MemberRow) {
  return {
    id: m.id,
    handle: m.handle,
    displayName: m.displayName,
    status: m.status,
    role: isCoordinator(m) ? "coordinator" : "member",
    coordinatorUntil: isCoordinator(m) && m.coordinatorUntil ? new Date(m.coordinatorUntil).toISOString() : null,
    joinedAt: new Date(m.joinedAt).toISOString(),
  };
}

/** Joining, logging in, leaving; approval and invites by coordinators. */
export function registerMemberRoutes(app: App, deps: HttpDeps): void {
  const { db, sqlite } = deps.services;
  const limiter = new LoginLimiter();

  app.post(
    "/api/members",
    {
      schema: {
        tags: ["community"],
        summary:
          "Join the community (open policy: at once; approval: after a coordinator approves; invite: with an invite token)",
        security: [],
        body: Type.Object(
          {
            handle: Handle,
            displayName: Type.String({ minLength: 1, maxLength: 100 }),
            password: Type.String({ minLength: 10, maxLength: 200 }),
            invite: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const { handle, displayName, password, invite } = request.body;
      const policy = loadPolicy(db);
      if (findMemberByHandle(db, handle)) throw HttpProblem.invalid("handle", "is already taken");
      if (invite !== undefined && !inviteIsValid(db, invite))
        throw HttpProblem.invalid("invite", "is unknown, used or expired");
      if (policy.joinPolicy === "invite" && invite === undefined) {
        throw HttpProblem.invalid("invite", "this community admits new members by invitation only");
      }
      const active = policy.joinPolicy === "open" || invite !== undefined;
      const member = inTransaction(sqlite, () => {
        const m = createMember(db, { handle, displayName, password, status: active ? "active" : "pending" });
        if (invite !== undefined && !useInvite(db, invite, m.id))
          throw HttpProblem.invalid("invite", "is unknown, used or expired");
        if (active) appendLedger(db, "member-joined", { members: countActive() });
        return m;
      });
      return reply.status(201).send(serializeMember(member));
    },
  );

  const countActive = () => listMembers(db).filter((m) => m.status === "active").length;

  app.post(
    "/api/sessions",
    {
      schema: {
        tags: ["community"],
        summary: "Log in; returns a session token to send as Bearer",
        security: [],
        body: Type.Object(
          { handle: Handle, password: Type.String({ minLength: 1, maxLength: 200 }) },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const keys = [`h:${request.body.handle}`, `ip:${request.ip}`];
      if (limiter.blocked(keys)) throw HttpProblem.of("tooManyRequests", "Too many failed logins; wait 15 minutes.");
      const member = findMemberByHandle(db, request.body.handle);
      const ok = checkPassword(request.body.password, member?.passwordHash ?? null);
      if (!member || !ok || member.status === "left") {
        limiter.fail(keys);
        throw HttpProblem.of("unauthorized", "Unknown handle or wrong password.");
      }
      limiter.succeed(keys);
      const session = createSession(db, member.id);
      return reply.status(201).send({
        token: session.token,
        expiresAt: new Date(session.expiresAt).toISOString(),
        member: serializeMember(member),
      });
    },
  );

  app.delete("/api/sessions", { schema: { tags: ["community"], summary: "Log out" } }, async (request, reply) => {
    requireMember(db, request);
    deleteSession(db, bearer(request) ?? "");
    return reply.status(204).send();
  });

  app.get("/api/me", { schema: { tags: ["community"], summary: "The logged-in member" } }, async (request) => {
    const caller = requireCaller(db, request);
    if (caller.kind === "admin") return { kind: "bootstrap-admin" };
    return serializeMember(caller.member);
  });

  app.post(
    "/api/me/leave",
    { schema: { tags: ["community"], summary: "Leave the community; your vouchers are voided" } },
    async (request, reply) => {
      const member = requireMember(db, request);
      depart(member, "left");
      return reply.status(204).send();
    },
  );

  const depart = (member: MemberRow, reason: "left" | "deceased") =>
    inTransaction(sqlite, () => {
      voidVouchersOf(db, member.id, reason);
      setMemberStatus(db, member.id, "left");
      appendLedger(db, "member-left", { members: countActive() });
    });

  app.get(
    "/api/members",
    { schema: { tags: ["community"], summary: "Members (for members and coordinators)" } },
    async (request) => {
      requireCaller(db, request);
      return { items: listMembers(db).map(serializeMember) };
    },
  );

  app.post(
    "/api/members/:id/approve",
    { schema: { tags: ["community"], summary: "Approve a pending member (coordinator)", params: IdParams } },
    async (request) => {
      const caller = requireCoordinator(db, request, "approve-member");
      const m = findMember(db, request.params.id);
      if (!m) throw HttpProblem.of("notFound", `No member ${request.params.id}`);
      if (m.status !== "pending") {
        throw refuse(
          db,
          caller.kind === "member" ? caller.member.id : null,
          "approve-member",
          "conflict",
          `Member ${m.id} is ${m.status}, not pending.`,
        );
      }
      inTransaction(sqlite, () => {
        setMemberStatus(db, m.id, "active");
        appendLedger(db, "member-joined", { members: countActive() });
      });
      return serializeMember(findMember(db, m.id) as MemberRow);
    },
  );

  app.post(
    "/api/members/:id/depart",
    {
      schema: {
        tags: ["community"],
        summary: "Record that a member has left or died (coordinator); their vouchers are voided, not inherited",
        params: IdParams,
        body: Type.Object(
          { reason: Type.Union([Type.Literal("left"), Type.Literal("deceased")]) },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      requireCoordinator(db, request, "depart-member");
      const m = findMember(db, request.params.id);
      if (!m) throw HttpProblem.of("notFound", `No member ${request.params.id}`);
      if (m.status === "left") throw HttpProblem.of("conflict", `Member ${m.id} has already left.`);
      depart(m, request.body.reason);
      return reply.status(204).send();
    },
  );

  app.post(
    "/api/invites",
    { schema: { tags: ["community"], summary: "Create a single-use invite link (coordinator)" } },
    async (request, reply) => {
      const caller = requireCoordinator(db, request, "create-invite");
      const invite = createInvite(db, caller.kind === "member" ? caller.member.id : null);
      return reply.status(201).send({
        // Passed as `invite` to POST /api/members; a join page for browsers is not built yet.
        token: invite.token,
        expiresAt: new Date(invite.expiresAt).toISOString(),
      });
    },
  );
}
