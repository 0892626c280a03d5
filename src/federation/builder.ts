import { createFederation, type Federation, type KvStore, type MessageQueue } from "@fedify/fedify";
import type { Config } from "../config.js";
import { deliveryFailuresTable } from "../db/schema/federation.js";
import type { Db } from "../db/client.js";
import { registerActors } from "./actors.js";
import { registerCollections } from "./collections.js";
import type { NodeServices } from "./context.js";
import { registerInbox } from "./inbox/index.js";
import { registerNodeInfo } from "./nodeinfo.js";
import { registerSupplyObjects } from "./supply.js";

export interface FederationInfrastructure {
  readonly config: Config;
  readonly db: Db;
  readonly kv: KvStore;
  readonly queue: MessageQueue;
}

/** Builds the node's Fedify federation; features register their dispatchers and listeners here. */
export function createNodeFederation(infra: FederationInfrastructure): Federation<NodeServices> {
  const { config, db } = infra;
  const federation = createFederation<NodeServices>({
    kv: infra.kv,
    queue: infra.queue,
    // The queue's listener is started by the app after it is ready, and stopped on shutdown.
    manuallyStartQueue: true,
    origin: config.origin,
    allowPrivateAddress: config.dev,
    // Some servers answer 202 to an RFC 9421 signature and drop the delivery;
    // draft-cavage first is what everyone verifies (we still verify both).
    firstKnock: "draft-cavage-http-signatures-12",
    userAgent: { software: "Tendril/0.1.0", url: new URL(config.origin) },
    onOutboxError: (error, activity) => {
      recordDeliveryFailure(db, "error", error, activity?.id?.href ?? null, activity?.constructor.name ?? null, null);
    },
  });
  federation.setOutboxPermanentFailureHandler((_ctx, values) => {
    recordDeliveryFailure(
      db,
      values.reason,
      values.error,
      values.activity.id?.href ?? null,
      values.activity.constructor.name,
      values.inbox.href,
    );
  });
  registerActors(federation);
  registerInbox(federation);
  registerCollections(federation);
  registerNodeInfo(federation);
  registerSupplyObjects(federation);
  return federation;
}

function recordDeliveryFailure(
  db: Db,
  reason: string,
  error: unknown,
  activityId: string | null,
  activityType: string | null,
  inbox: string | null,
): void {
  const message = error instanceof Error ? error.message : String(error);
  const inboxFromMessage = /https?:\/\/\S+/.exec(message)?.[0] ?? null;
  db.insert(deliveryFailuresTable)
    .values({
      activityId,
      activityType,
      inboxUrl: inbox ?? inboxFromMessage ?? "unknown",
      reason,
      error: message.slice(0, 1000),
    })
    .run();
}
