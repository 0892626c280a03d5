import type { Logger } from "pino";
import type { Config } from "../config.js";
import type { Db, Sqlite } from "../db/client.js";
import type { KeyRing } from "./keys.js";
import type { OutboxDispatcher } from "./outbox.js";

/** What every federation callback gets as Fedify context data. */
export interface NodeServices {
  readonly config: Config;
  readonly db: Db;
  readonly sqlite: Sqlite;
  readonly keys: KeyRing;
  readonly outbox: OutboxDispatcher;
  readonly log: Logger;
}

/** Identifier of the instance actor (an Application) used for signed fetches. */
export const INSTANCE_ACTOR = "instance";

export const PATHS = {
  actor: "/actors/{identifier}",
  inbox: "/actors/{identifier}/inbox",
  sharedInbox: "/inbox",
  outbox: "/actors/{identifier}/outbox",
  followers: "/actors/{identifier}/followers",
  nodeInfo: "/nodeinfo/2.1",
} as const;

/** Where one of our activities can be dereferenced. */
export function activityUri(origin: string, id: string): URL {
  return new URL(`/activities/${id}`, origin);
}
