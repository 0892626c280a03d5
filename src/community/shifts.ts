import { and, eq, gte, isNull, lt, sum } from "drizzle-orm";
import type { Db } from "../db/client.js";
import {
  type CycleRow,
  type ShiftRow,
  shiftSignupsTable,
  shiftsTable,
  shiftWorkTable,
} from "../db/schema/community.js";

/** Rotas: recurring weekly shifts with a size, sign-ups, and confirmed work (the basis of the hours rule). */

export type ShiftKind = ShiftRow["kind"];

export function createShift(db: Db, s: Omit<ShiftRow, "id" | "retiredAt">): ShiftRow {
  return db.insert(shiftsTable).values(s).returning().get();
}

export function findShift(db: Db, id: number): ShiftRow | undefined {
  return db.select().from(shiftsTable).where(eq(shiftsTable.id, id)).get();
}

export function listShifts(db: Db) {
  const shifts = db.select().from(shiftsTable).where(isNull(shiftsTable.retiredAt)).all();
  const signups = db.select().from(shiftSignupsTable).all();
  return shifts.map((s) => ({ ...s, members: signups.filter((x) => x.shiftId === s.id).map((x) => x.memberId) }));
}

export type SignupCheck = { ok: true } | { ok: false; reason: string };

export function checkSignup(shift: ShiftRow | undefined, signedUp: readonly number[], memberId: number): SignupCheck {
  if (!shift || shift.retiredAt !== null) return { ok: false, reason: "no such shift" };
  if (signedUp.includes(memberId)) return { ok: false, reason: "you are already signed up for this shift" };
  if (signedUp.length >= shift.size) return { ok: false, reason: `this shift is full (${shift.size} people)` };
  return { ok: true };
}

export function signUp(db: Db, shiftId: number, memberId: number): void {
  db.insert(shiftSignupsTable).values({ shiftId, memberId }).run();
}

export function withdraw(db: Db, shiftId: number, memberId: number): boolean {
  return (
    db
      .delete(shiftSignupsTable)
      .where(and(eq(shiftSignupsTable.shiftId, shiftId), eq(shiftSignupsTable.memberId, memberId)))
      .run().changes > 0
  );
}

export function signupsOf(db: Db, shiftId: number): number[] {
  return db
    .select()
    .from(shiftSignupsTable)
    .where(eq(shiftSignupsTable.shiftId, shiftId))
    .all()
    .map((r) => r.memberId);
}

export function recordWork(
  db: Db,
  w: { shiftId: number; memberId: number; date: string; workedAt: number; minutes: number },
): void {
  db.insert(shiftWorkTable).values(w).run();
}

/** Minutes a member worked inside a cycle. */
export function minutesWorked(db: Db, memberId: number, cycle: Pick<CycleRow, "startsAt" | "endsAt">): number {
  const row = db
    .select({ m: sum(shiftWorkTable.minutes) })
    .from(shiftWorkTable)
    .where(
      and(
        eq(shiftWorkTable.memberId, memberId),
        gte(shiftWorkTable.workedAt, cycle.startsAt),
        lt(shiftWorkTable.workedAt, cycle.endsAt),
      ),
    )
    .get();
  return Number(row?.m ?? 0);
}
