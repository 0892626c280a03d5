import { and, desc, eq, isNull, lt, sql } from "drizzle-orm";
import { type Db, inTransaction, type Sqlite } from "../db/client.js";
import {
  type CycleRow,
  cyclesTable,
  type VoucherRow,
  voucherSpendsTable,
  vouchersTable,
} from "../db/schema/community.js";
import { now } from "./clock.js";
import { type CycleRule, cycleAt, isWithin } from "./cycles.js";
import { appendLedger } from "./ledger-store.js";
import { activeMembers } from "./members.js";
import type { Policy } from "./policy.js";
import { minutesWorked } from "./shifts.js";

/**
 * Voucher cycles: at the start of each cycle every active member gets a
 * voucher for that cycle only; at its end what is left expires. There is no
 * operation that moves a voucher to another member.
 */

export const ruleOf = (p: Policy): CycleRule => ({
  lengthDays: p.cycleDays,
  timeZone: p.timeZone,
  anchor: p.cycleAnchor,
});

export function findCycle(db: Db, id: number): CycleRow | undefined {
  return db.select().from(cyclesTable).where(eq(cyclesTable.id, id)).get();
}

/**
 * Brings cycles up to date at `at`: expires every past cycle (ledger: totals
 * expired) and opens the current one with its vouchers (ledger: totals issued).
 * Idempotent; call inside a transaction before anything that reads vouchers.
 */
export function rollCycles(db: Db, policy: Policy, at = now()): CycleRow {
  const span = cycleAt(at, ruleOf(policy));
  for (const past of db
    .select()
    .from(cyclesTable)
    .where(and(isNull(cyclesTable.expiredAt), lt(cyclesTable.endsAt, at + 1)))
    .all()) {
    if (past.endsAt > at) continue;
    const open = db
      .select()
      .from(vouchersTable)
      .where(and(eq(vouchersTable.cycleId, past.id), isNull(vouchersTable.voidedAt)))
      .all();
    const expired = open.reduce((s, v) => s + (v.amount - v.spent), 0);
    const spent = open.reduce((s, v) => s + v.spent, 0);
    db.update(cyclesTable).set({ expiredAt: at }).where(eq(cyclesTable.id, past.id)).run();
    appendLedger(db, "voucher-expiry", {
      cycle: past.id,
      endedAt: new Date(past.endsAt).toISOString(),
      spent,
      expired,
    });
  }
  const current = db.select().from(cyclesTable).where(eq(cyclesTable.startsAt, span.startsAt)).get();
  if (current) return current;
  const previous = db.select().from(cyclesTable).where(eq(cyclesTable.endsAt, span.startsAt)).get();
  const cycle = db
    .insert(cyclesTable)
    .values({ startsAt: span.startsAt, endsAt: span.endsAt, timeZone: policy.timeZone })
    .returning()
    .get();
  const members = activeMembers(db);
  let total = 0;
  for (const m of members) {
    const amount =
      policy.voucherRule === "equal"
        ? policy.voucherEqualAmount
        : previous
          ? Math.floor((minutesWorked(db, m.id, previous) / 60) * policy.voucherPerHour)
          : 0;
    db.insert(vouchersTable).values({ memberId: m.id, cycleId: cycle.id, amount }).run();
    total += amount;
  }
  appendLedger(db, "voucher-issue", {
    cycle: cycle.id,
    startsAt: new Date(cycle.startsAt).toISOString(),
    endsAt: new Date(cycle.endsAt).toISOString(),
    rule: policy.voucherRule,
    members: members.length,
    total,
  });
  return cycle;
}

export function voucherOf(db: Db, memberId: number, cycleId: number): VoucherRow | undefined {
  return db
    .select()
    .from(vouchersTable)
    .where(and(eq(vouchersTable.memberId, memberId), eq(vouchersTable.cycleId, cycleId)))
    .get();
}

export function vouchersOfMember(db: Db, memberId: number): (VoucherRow & { cycle: CycleRow })[] {
  return db
    .select({ v: vouchersTable, c: cyclesTable })
    .from(vouchersTable)
    .innerJoin(cyclesTable, eq(cyclesTable.id, vouchersTable.cycleId))
    .where(eq(vouchersTable.memberId, memberId))
    .all()
    .map((r) => ({ ...r.v, cycle: r.c }));
}

export type SpendCheck =
  | { ok: true }
  | { ok: false; kind: "forbidden" | "conflict" | "unprocessable"; field: string; reason: string };

/** Pure rules for spending: own voucher, current cycle, not void, enough left. */
export function checkSpend(args: {
  at: number;
  memberId: number;
  onBehalfOf: number | undefined;
  voucher: VoucherRow | undefined;
  cycle: Pick<CycleRow, "startsAt" | "endsAt"> | undefined;
  amount: number;
}): SpendCheck {
  if (args.onBehalfOf !== undefined && args.onBehalfOf !== args.memberId) {
    return {
      ok: false,
      kind: "forbidden",
      field: "memberId",
      reason: "vouchers are personal: you can only spend your own",
    };
  }
  if (!args.voucher || !args.cycle)
    return { ok: false, kind: "unprocessable", field: "cycleId", reason: "you have no vouchers for that cycle" };
  if (args.voucher.memberId !== args.memberId) {
    return {
      ok: false,
      kind: "forbidden",
      field: "cycleId",
      reason: "vouchers are personal: you can only spend your own",
    };
  }
  if (!isWithin(args.at, args.cycle)) {
    return {
      ok: false,
      kind: "conflict",
      field: "cycleId",
      reason: "vouchers expire at the end of their cycle and cannot be spent outside it",
    };
  }
  if (args.voucher.voidedAt !== null)
    return { ok: false, kind: "conflict", field: "cycleId", reason: "these vouchers were voided" };
  const left = args.voucher.amount - args.voucher.spent;
  if (args.amount > left)
    return { ok: false, kind: "unprocessable", field: "amount", reason: `only ${left} vouchers left this cycle` };
  return { ok: true };
}

export function recordSpend(db: Db, voucher: VoucherRow, amount: number, purpose: string): VoucherRow {
  db.insert(voucherSpendsTable).values({ voucherId: voucher.id, amount, purpose, at: now() }).run();
  return db
    .update(vouchersTable)
    .set({ spent: sql`${vouchersTable.spent} + ${amount}` })
    .where(eq(vouchersTable.id, voucher.id))
    .returning()
    .get();
}

export type SpendOutcome =
  | { readonly ok: true; readonly voucher: VoucherRow }
  | { readonly ok: false; readonly refused: Extract<SpendCheck, { ok: false }> };

/**
 * A member spends vouchers of a cycle: checked and written in one
 * transaction, so two spends at once cannot both pass the check. The API
 * and the member page both come here.
 */
export function spendVouchers(
  db: Db,
  sqlite: Sqlite,
  memberId: number,
  request: { amount: number; purpose: string; cycleId: number; onBehalfOf?: number },
): SpendOutcome {
  return inTransaction(sqlite, () => {
    const voucher = voucherOf(db, memberId, request.cycleId);
    const check = checkSpend({
      at: now(),
      memberId,
      onBehalfOf: request.onBehalfOf,
      voucher,
      cycle: findCycle(db, request.cycleId),
      amount: request.amount,
    });
    if (!check.ok) return { ok: false, refused: check };
    if (!voucher) throw new Error("checkSpend passed without a voucher");
    return { ok: true, voucher: recordSpend(db, voucher, request.amount, request.purpose) };
  });
}

/** What a voucher was spent on, newest first. */
export function spendsOf(db: Db, voucherId: number) {
  return db.select().from(voucherSpendsTable).where(eq(voucherSpendsTable.voucherId, voucherId)).orderBy(desc(voucherSpendsTable.id)).all();
}

/** A departing (or deceased) member's vouchers are voided, not inherited; call in the departure's transaction. */
export function voidVouchersOf(db: Db, memberId: number, reason: "left" | "deceased"): number {
  const open = db
    .select()
    .from(vouchersTable)
    .where(and(eq(vouchersTable.memberId, memberId), isNull(vouchersTable.voidedAt)))
    .all();
  const voided = open.reduce((s, v) => s + (v.amount - v.spent), 0);
  db.update(vouchersTable)
    .set({ voidedAt: now() })
    .where(and(eq(vouchersTable.memberId, memberId), isNull(vouchersTable.voidedAt)))
    .run();
  if (open.length > 0) appendLedger(db, "voucher-void", { reason, vouchers: voided });
  return voided;
}
