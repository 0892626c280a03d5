import type { App, HttpDeps } from "../http/types.js";
import { registerLedgerRoutes } from "./http-ledger.js";
import { registerMemberRoutes } from "./http-members.js";
import { registerVoteRoutes } from "./http-votes.js";
import { registerWorkRoutes } from "./http-work.js";
import { ensureCommunityTriggers } from "./ledger-store.js";
import { Community } from "./service.js";

const CLOSE_EVERY_MS = 30_000;

/** Self-management inside the community: members, votes, ledger, shifts, vouchers. */
export function registerCommunityRoutes(app: App, deps: HttpDeps): Community {
  const { db, sqlite, log } = deps.services;
  ensureCommunityTriggers(sqlite);
  const community = new Community(db, sqlite, log.child({ component: "community" }));
  registerMemberRoutes(app, deps);
  registerVoteRoutes(app, deps, community);
  registerWorkRoutes(app, deps);
  registerLedgerRoutes(app, deps);
  let timer: NodeJS.Timeout | null = null;
  app.addHook("onListen", async () => {
    timer = setInterval(() => void community.closeDueVotes().catch((err: unknown) => log.error({ err }, "closing votes failed")), CLOSE_EVERY_MS);
    timer.unref();
  });
  app.addHook("onClose", async () => {
    if (timer) clearInterval(timer);
  });
  return community;
}
