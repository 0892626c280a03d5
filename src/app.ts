import "./lib/runtime-shims.js";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { Federation } from "@fedify/fedify";
import Fastify, { type FastifyBaseLogger } from "fastify";
import type { Logger } from "pino";
import type { Config } from "./config.js";
import { type OpenedDatabase, openDatabase } from "./db/client.js";
import { applyMigrations } from "./db/migrate.js";
import { registerActivityRoute } from "./federation/activity-route.js";
import { createNodeFederation } from "./federation/builder.js";
import type { NodeServices } from "./federation/context.js";
import { registerFederationBridge } from "./federation/fastify-bridge.js";
import { KeyRing } from "./federation/keys.js";
import { SqliteKvStore } from "./federation/kv-store.js";
import { SqliteMessageQueue, type SqliteMessageQueueOptions } from "./federation/message-queue.js";
import { OutboxDispatcher } from "./federation/outbox.js";
import { SOFTWARE_VERSION } from "./federation/nodeinfo.js";
import { registerErrorHandling } from "./http/errors.js";
import type { App, HttpDeps } from "./http/types.js";
import { registerNetworkRoutes } from "./network/http.js";
import { registerCommunityRoutes } from "./community/http.js";
import { type ExchangeFeature, registerExchange } from "./exchange/register.js";
import type { RoundRunner } from "./exchange/round-actions.js";
import type { Community } from "./community/service.js";
import { ensureBootstrapToken, ensureNodeIdentity } from "./node/identity.js";
import { registerHaulRoutes } from "./transport/http-hauls.js";
import { registerDepartureRoutes } from "./transport/http-departures.js";
import { registerTransportRoutes } from "./transport/http-routes.js";
import { seedCatalogue } from "./supply/catalogue-store.js";
import { registerSupplyRoutes } from "./supply/http.js";
import { registerResourceRoutes } from "./supply/resources-http.js";
import { registerNetworkViewRoutes } from "./supply/view-http.js";
import { exchangesFromStore } from "./web/exchange-source.js";
import { registerWebPages } from "./web/index.js";
import { exchangePages } from "./web/pages-exchange-actions.js";

export interface BuildOptions {
  readonly logger: Logger;
  /** An already-open database (tests pass ":memory:"); by default `<dataDir>/tendril.sqlite`. */
  readonly database?: OpenedDatabase;
  readonly queue?: SqliteMessageQueueOptions;
  /** Runs a planning round (tests pass a slower one to watch the dashboard while it runs); by default `runRound`. */
  readonly roundRunner?: RoundRunner;
}

export interface Node {
  readonly app: App;
  readonly services: NodeServices;
  readonly federation: Federation<NodeServices>;
  /** Set on the very first start only: the one time the admin token is ever shown. */
  readonly bootstrapToken: string | null;
  /** Members, votes, ledger: the ratification hook table lives here (for the exchange code). */
  readonly community: Community;
  /** Exchange answers, planning rounds (one at a time) and plan checks, shared by the API and the dashboard. */
  readonly exchange: ExchangeFeature;
  /** Starts background work: the delivery queue and the outbox dispatcher. */
  startBackground(): void;
}

export class StartupError extends Error {}

const OUTBOX_RETRY_MS = 30_000;

/** Builds the node (database, federation, HTTP); never listens. */
export async function buildApp(config: Config, options: BuildOptions): Promise<Node> {
  const database = options.database ?? openNodeDatabase(config.dataDir);
  const { db, sqlite } = database;
  applyMigrations(db);
  const identity = ensureNodeIdentity(db, config.handle);
  if (!identity.ok) {
    database.close();
    throw new StartupError(identity.message);
  }
  const bootstrapToken = ensureBootstrapToken(db);
  seedCatalogue(db, config.origin);

  const log = options.logger;
  const federation = createNodeFederation({
    config,
    db,
    kv: new SqliteKvStore(sqlite),
    queue: new SqliteMessageQueue(sqlite, options.queue),
  });
  const contextFor = () => federation.createContext(new URL(config.origin), services);
  const outbox = new OutboxDispatcher(db, contextFor as never, log.child({ component: "outbox" }));
  const services: NodeServices = { config, db, sqlite, keys: new KeyRing(db), outbox, log };
  const deps: HttpDeps = { services, federation, context: contextFor };

  const app = Fastify({
    loggerInstance: log as FastifyBaseLogger,
    bodyLimit: config.bodyLimit,
    trustProxy: config.trustProxy,
    // Unknown fields are an error the client should hear about, not something to drop silently.
    ajv: { customOptions: { removeAdditional: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  await app.register(fastifySwagger, {
    openapi: {
      info: { title: "Tendril community node", version: SOFTWARE_VERSION },
      components: { securitySchemes: { adminToken: { type: "http", scheme: "bearer" } } },
      security: [{ adminToken: [] }],
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: "/docs" });

  registerErrorHandling(app);
  registerFederationBridge(app, federation, services);
  registerActivityRoute(app, deps);
  registerNetworkRoutes(app, deps);
  registerTransportRoutes(app, deps);
  registerDepartureRoutes(app, deps);
  registerHaulRoutes(app, deps);
  registerResourceRoutes(app, deps);
  registerSupplyRoutes(app, deps);
  registerNetworkViewRoutes(app, deps);
  const community = registerCommunityRoutes(app, deps);
  const exchange = registerExchange(app, deps, community, { roundRunner: options.roundRunner });
  await registerWebPages(app, deps, {
    community,
    exchange: exchangesFromStore(db, new URL(`/actors/${config.handle}`, config.origin).href, exchange, config.name),
    pages: [exchangePages(exchange)],
  });

  const queueStop = new AbortController();
  let queueRun: Promise<void> | null = null;
  let outboxRetry: NodeJS.Timeout | undefined;
  app.addHook("onClose", async () => {
    clearInterval(outboxRetry);
    queueStop.abort();
    await outbox.stop();
    await queueRun;
    database.close();
  });

  return {
    app,
    services,
    federation,
    bootstrapToken,
    community,
    exchange,
    startBackground() {
      queueRun = federation.startQueue(services, { signal: queueStop.signal });
      void outbox.kick();
      // A row the dispatcher could not hand over (say, a transient error) is retried without waiting for new activity.
      outboxRetry = setInterval(() => void outbox.kick(), OUTBOX_RETRY_MS);
      outboxRetry.unref();
    },
  };
}

function openNodeDatabase(dataDir: string): OpenedDatabase {
  mkdirSync(dataDir, { recursive: true });
  return openDatabase(join(dataDir, "tendril.sqlite"));
}
