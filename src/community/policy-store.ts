import type { Db } from "../db/client.js";
import { policyTable } from "../db/schema/community.js";
import { now } from "./clock.js";
import { mergePolicy, type Policy } from "./policy.js";

export function loadPolicy(db: Db): Policy {
  const rows = db.select().from(policyTable).all();
  return mergePolicy(Object.fromEntries(rows.map((r) => [r.key, JSON.parse(r.valueJson)])));
}

/** Writes validated values; the caller appends the ledger entry in the same transaction. */
export function writePolicy(db: Db, changes: Readonly<Record<string, unknown>>): void {
  for (const [key, value] of Object.entries(changes)) {
    const valueJson = JSON.stringify(value);
    db.insert(policyTable)
      .values({ key, valueJson, updatedAt: now() })
      .onConflictDoUpdate({ target: policyTable.key, set: { valueJson, updatedAt: now() } })
      .run();
  }
}
