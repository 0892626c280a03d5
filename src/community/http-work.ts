import { Type } from "@fastify/type-provider-typebox";
import { desc } from "drizzle-orm";
import { inTransaction } from "../db/client.js";
import { refusedAttemptsTable } from "../db/schema/community.js";
import type { App, HttpDeps } from "../http/types.js";
import { HttpProblem } from "../lib/problem.js";
import { identify, refuse, refuseSpend, requireCoordinator, requireMember } from "./auth.js";
import { now } from "./clock.js";
import { localDate } from "./cycles.js";
import { findMember } from "./members.js";
import { loadPolicy } from "./policy-store.js";
import { checkSignup, createShift, findShift, listShifts, recordWork, signUp, signupsOf, withdraw } from "./shifts.js";
import { rollCycles, spendVouchers, vouchersOfMember } from "./vouchers.js";

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const KINDS = [
  "cooking",
  "cleaning",
  "upkeep",
  "driving",
  "childcare",
  "eldercare",
  "teaching",
  "healthcare",
  "other",
] as const;

/** Shifts (rotas) and cycle vouchers. */
export function registerWorkRoutes(app: App, deps: HttpDeps): void {
  const { db, sqlite } = deps.services;
  const roll = () => inTransaction(sqlite, () => rollCycles(db, loadPolicy(db)));

  app.get(
    "/api/cycles/current",
    { schema: { tags: ["community"], summary: "The current voucher cycle (starts it if due)", security: [] } },
    async () => {
      const c = roll();
      return {
        id: c.id,
        startsAt: new Date(c.startsAt).toISOString(),
        endsAt: new Date(c.endsAt).toISOString(),
        timeZone: c.timeZone,
      };
    },
  );

  app.get(
    "/api/vouchers",
    { schema: { tags: ["community"], summary: "Your vouchers, this cycle and past ones" } },
    async (request) => {
      const member = requireMember(db, request);
      const current = roll();
      const at = now();
      return {
        items: vouchersOfMember(db, member.id).map((v) => ({
          cycleId: v.cycleId,
          startsAt: new Date(v.cycle.startsAt).toISOString(),
          endsAt: new Date(v.cycle.endsAt).toISOString(),
          amount: v.amount,
          spent: v.spent,
          remaining: v.voidedAt !== null || v.cycle.id !== current.id || at >= v.cycle.endsAt ? 0 : v.amount - v.spent,
          state: v.voidedAt !== null ? "voided" : v.cycle.id === current.id ? "current" : "expired",
        })),
      };
    },
  );

  app.post(
    "/api/vouchers/spend",
    {
      schema: {
        tags: ["community"],
        summary: "Spend your vouchers of the current cycle on the community's goods and services",
        body: Type.Object(
          {
            amount: Type.Integer({ minimum: 1 }),
            purpose: Type.String({ minLength: 1, maxLength: 200 }),
            cycleId: Type.Optional(Type.Integer({ minimum: 1, description: "defaults to the current cycle" })),
            memberId: Type.Optional(Type.Integer({ minimum: 1, description: "must be you, if given" })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => {
      const member = requireMember(db, request);
      const current = roll();
      const cycleId = request.body.cycleId ?? current.id;
      const outcome = spendVouchers(db, sqlite, member.id, {
        amount: request.body.amount,
        purpose: request.body.purpose,
        cycleId,
        onBehalfOf: request.body.memberId,
      });
      if (!outcome.ok) throw refuseSpend(db, member.id, outcome.refused);
      const updated = outcome.voucher;
      return { cycleId, amount: updated.amount, spent: updated.spent, remaining: updated.amount - updated.spent };
    },
  );

  // There is no transfer; this route exists only to say so clearly (and log the attempt).
  app.post(
    "/api/vouchers/transfer",
    { schema: { tags: ["community"], summary: "Always refused: vouchers are personal" } },
    async (request) => {
      const caller = identify(db, request);
      throw refuse(
        db,
        caller?.kind === "member" ? caller.member.id : null,
        "transfer-vouchers",
        "unprocessable",
        "Vouchers cannot be transferred: they belong to one member for one cycle, and expire at its end.",
      );
    },
  );

  app.get(
    "/api/shifts",
    { schema: { tags: ["community"], summary: "The rota: recurring shifts and who signed up" } },
    async (request) => {
      requireMember(db, request);
      return { items: listShifts(db) };
    },
  );

  app.post(
    "/api/shifts",
    {
      schema: {
        tags: ["community"],
        summary: "Add a recurring weekly shift (coordinator)",
        body: Type.Object(
          {
            kind: Type.Union(KINDS.map((k) => Type.Literal(k))),
            title: Type.String({ minLength: 1, maxLength: 200 }),
            weekday: Type.Integer({ minimum: 1, maximum: 7, description: "1 = Monday" }),
            startTime: Type.String({ pattern: "^([01][0-9]|2[0-3]):[0-5][0-9]$" }),
            minutes: Type.Integer({ minimum: 1, maximum: 24 * 60 }),
            size: Type.Integer({ minimum: 1, maximum: 1000 }),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      requireCoordinator(db, request, "create-shift");
      return reply.status(201).send(createShift(db, request.body));
    },
  );

  app.post(
    "/api/shifts/:id/signup",
    { schema: { tags: ["community"], summary: "Sign up for a shift", params: IdParams } },
    async (request, reply) => {
      const member = requireMember(db, request);
      const shift = findShift(db, request.params.id);
      if (!shift) throw HttpProblem.of("notFound", `No shift ${request.params.id}`);
      const result = inTransaction(sqlite, () => {
        const check = checkSignup(shift, signupsOf(db, shift.id), member.id);
        if (check.ok) signUp(db, shift.id, member.id);
        return check;
      });
      if (!result.ok) throw HttpProblem.of("conflict", result.reason);
      return reply.status(201).send({ shift: shift.id, members: signupsOf(db, shift.id) });
    },
  );

  app.delete(
    "/api/shifts/:id/signup",
    { schema: { tags: ["community"], summary: "Withdraw from a shift", params: IdParams } },
    async (request, reply) => {
      const member = requireMember(db, request);
      if (!withdraw(db, request.params.id, member.id))
        throw HttpProblem.of("notFound", "You are not signed up for that shift.");
      return reply.status(204).send();
    },
  );

  app.post(
    "/api/shifts/:id/work",
    {
      schema: {
        tags: ["community"],
        summary: "Confirm that a member worked this shift today (coordinator); counts for the hours rule",
        params: IdParams,
        body: Type.Object(
          {
            memberId: Type.Integer({ minimum: 1 }),
            minutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 24 * 60 })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      requireCoordinator(db, request, "record-work");
      const shift = findShift(db, request.params.id);
      if (!shift) throw HttpProblem.of("notFound", `No shift ${request.params.id}`);
      const m = findMember(db, request.body.memberId);
      if (m?.status !== "active") throw HttpProblem.invalid("memberId", "is not an active member");
      const at = now();
      const date = localDate(at, loadPolicy(db).timeZone);
      try {
        recordWork(db, {
          shiftId: shift.id,
          memberId: m.id,
          date,
          workedAt: at,
          minutes: request.body.minutes ?? shift.minutes,
        });
      } catch {
        throw HttpProblem.of("conflict", `Work on shift ${shift.id} by member ${m.id} on ${date} is already recorded.`);
      }
      return reply.status(201).send({ shift: shift.id, member: m.id, date });
    },
  );

  app.get(
    "/api/attempts",
    { schema: { tags: ["community"], summary: "Refused attempts, newest first (coordinator)" } },
    async (request) => {
      requireCoordinator(db, request, "list-attempts");
      return { items: db.select().from(refusedAttemptsTable).orderBy(desc(refusedAttemptsTable.id)).limit(200).all() };
    },
  );
}
