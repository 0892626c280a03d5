import { Type } from "@fastify/type-provider-typebox";
import type { Community } from "../community/service.js";
import type { App, HttpDeps } from "../http/types.js";
import type { Context } from "@fedify/fedify";
import type { NodeServices } from "../federation/context.js";
import { onRouteGraphGrew, onRouteGraphShrank } from "../transport/federate.js";
import { observeHauls } from "../transport/haul-observers.js";
import { ExchangeActions } from "./actions.js";
import { catchUp, ownEvents } from "./catch-up.js";
import { selfUri } from "./publish.js";
import { isExchangeLeg, recordHaulStep } from "./haul-link.js";
import { releaseStrandedLegs } from "./leg-actions.js";
import { registerExchangeRoutes } from "./http.js";
import { PlanChecks } from "./plan-checks.js";
import { reconcile } from "./reconcile.js";
import { RoundJobs, type RoundRunner } from "./round-actions.js";
import { listExchanges, viewOf } from "./store.js";

const TIMER_MS = 30_000;

/**
 * When the route graph gains departures, the exchanges we proposed that
 * still have a leg without a driver get another look (leg-actions.ts).
 * One function for every app in the process, so it is registered once.
 */
async function legsOnNewDepartures(ctx: Context<NodeServices>): Promise<void> {
  const { db } = ctx.data;
  const me = selfUri(ctx);
  for (const row of listExchanges(db)) {
    if (row.proposer !== me) continue;
    const view = viewOf(db, row.uri, new Date());
    if ((view.status === "agreed" || view.status === "in_transit") && view.legs.some((l) => l.driver === null)) await reconcile(ctx, row.uri);
  }
}
const OPEN = new Set(["proposed", "agreed", "in_transit", "delivered"]);

/**
 * The exchange feature: its routes, the link from haul steps to exchange
 * events, and a timer that lets unanswered proposals lapse (releasing the
 * supplier's reservation) and retries any side effect left undone.
 * Returns what the dashboard shares with the API: the answering use case,
 * the round runner (one round at a time) and the cache of plan checks.
 */
export function registerExchange(app: App, deps: HttpDeps, community: Community, options: { roundRunner?: RoundRunner } = {}): ExchangeFeature {
  const { services } = deps;
  const actions = new ExchangeActions(deps, community);
  actions.registerRatificationHook();
  const rounds = new RoundJobs(deps.context, services.log, options.roundRunner);
  const planChecks = new PlanChecks(services.db, services.config.origin, services.log, services.config.plannerTimeLimit);
  registerExchangeRoutes(app, deps, { actions, rounds });
  onRouteGraphGrew(legsOnNewDepartures);
  onRouteGraphShrank(releaseStrandedLegs);
  app.addHook("onClose", async () => {
    await rounds.idle();
    await planChecks.settled();
  });
  observeHauls({
    recorded: (db, step) => void recordHaulStep(db, step),
    settled: async (ctx, step) => {
      if (isExchangeLeg(ctx.data.db, step.haul)) await reconcile(ctx, step.haul.reason!);
    },
    // A leg's haul is asked of other drivers by the exchange (leg-actions.ts), not re-planned by transport.
    looksAfter: isExchangeLeg,
  });
  const sweep = async () => {
    const ctx = deps.context();
    for (const row of listExchanges(deps.services.db)) {
      const status = viewOf(deps.services.db, row.uri, new Date()).status;
      if (OPEN.has(status) || status === "lapsed" || status === "rejected" || status === "cancelled") await reconcile(ctx, row.uri);
    }
  };
  app.get(
    "/exchange-events",
    {
      schema: {
        tags: ["exchange"],
        summary: "Public: the exchange events this community made (for parties catching up after downtime)",
        querystring: Type.Object(
          { exchange: Type.Optional(Type.String({ maxLength: 2048 })), party: Type.Optional(Type.String({ maxLength: 2048 })) },
          { additionalProperties: false },
        ),
      },
    },
    async (request) => ownEvents(deps.context(), request.query),
  );
  let sweeps = 0;
  const runCatchUp = () => void catchUp(deps.context()).catch((err: unknown) => deps.services.log.warn({ err }, "exchange catch-up failed"));
  // Shortly after start (a node that was down asks what it missed), then every ~5 minutes.
  const first = setTimeout(runCatchUp, 3_000);
  first.unref();
  app.addHook("onClose", async () => clearTimeout(first));
  const timer = setInterval(() => {
    void sweep().catch((err: unknown) => deps.services.log.error({ err }, "exchange sweep failed"));
    if (++sweeps % 10 === 0) runCatchUp();
  }, TIMER_MS);
  timer.unref();
  app.addHook("onClose", async () => clearInterval(timer));
  return { actions, rounds, planChecks };
}

export interface ExchangeFeature {
  readonly actions: ExchangeActions;
  readonly rounds: RoundJobs;
  readonly planChecks: PlanChecks;
}
