import type { Logger } from "pino";
import { inTransaction } from "../db/client.js";
import type { App, HttpDeps } from "../http/types.js";
import { listFollowing } from "../network/follows.js";
import { registerLedgerRoutes } from "./http-ledger.js";
import { registerMemberRoutes } from "./http-members.js";
import { registerVoteRoutes } from "./http-votes.js";
import { registerWorkRoutes } from "./http-work.js";
import { checkPeerLedger } from "./ledger-peers.js";
import { ensureCommunityTriggers } from "./ledger-store.js";
import { loadPolicy } from "./policy-store.js";
import { Community } from "./service.js";
import { rollCycles } from "./vouchers.js";

const TICK_MS = 30_000;
const PEER_CHECK_MS = 15 * 60_000;

/** Self-management inside the community: members, votes, ledger, shifts, vouchers. */
export function registerCommunityRoutes(app: App, deps: HttpDeps): Community {
  const { db, sqlite, log } = deps.services;
  ensureCommunityTriggers(sqlite);
  const community = new Community(db, sqlite, log.child({ component: "community" }));
  registerMemberRoutes(app, deps);
  registerVoteRoutes(app, deps, community);
  registerWorkRoutes(app, deps);
  registerLedgerRoutes(app, deps);
  // Votes close and cycles turn over by themselves; requests also do it first, so the timer only bounds the delay.
  const timers: NodeJS.Timeout[] = [];
  app.addHook("onListen", async () => {
    timers.push(
      setInterval(() => {
        community.closeDueVotes().catch((err: unknown) => log.error({ err }, "closing votes failed"));
        try {
          inTransaction(sqlite, () => rollCycles(db, loadPolicy(db)));
        } catch (err) {
          log.error({ err }, "cycle rollover failed");
        }
      }, TICK_MS),
      setInterval(() => void checkFollowedLedgers(deps, log), PEER_CHECK_MS),
    );
    for (const t of timers) t.unref();
  });
  app.addHook("onClose", async () => {
    for (const t of timers) clearInterval(t);
  });
  return community;
}

/** Re-checks the ledger of every community we follow; mismatches become alerts (GET /api/network/ledger-alerts). */
async function checkFollowedLedgers(deps: HttpDeps, log: Logger): Promise<void> {
  for (const f of listFollowing(deps.services.db, "accepted")) {
    await checkPeerLedger(deps.services.db, f.actorUri).catch((err: unknown) =>
      log.info({ err, actor: f.actorUri }, "ledger check failed"),
    );
  }
}
