/**
 * Recomputes a node's ledger chain from its database file:
 *   node --import tsx src/community/verify-ledger.ts --data-dir ./data
 * Prints OK with the head, or the first broken entry (exit 1).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { openDatabase } from "../db/client.js";
import { verifyLedger } from "./ledger-store.js";

const { values } = parseArgs({ options: { "data-dir": { type: "string", default: "./data" } } });
const file = join(values["data-dir"] ?? "./data", "tendril.sqlite");
if (!existsSync(file)) {
  process.stderr.write(`no database at ${file}\n`);
  process.exit(2);
}
const database = openDatabase(file);
try {
  const r = verifyLedger(database.db);
  if (r.ok) {
    process.stdout.write(`OK: ${r.length} entries, head ${r.head}\n`);
  } else {
    process.stdout.write(`BROKEN at entry ${r.seq}: ${r.reason}\n`);
    process.exitCode = 1;
  }
} finally {
  database.close();
}
