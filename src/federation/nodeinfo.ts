import type { Federation } from "@fedify/fedify";
import { count, eq } from "drizzle-orm";
import { outboxTable } from "../db/schema/federation.js";
import { type NodeServices, PATHS } from "./context.js";

export const SOFTWARE_VERSION = "0.1.0";

export function registerNodeInfo(federation: Federation<NodeServices>): void {
  federation.setNodeInfoDispatcher(PATHS.nodeInfo, (ctx) => {
    const posts = ctx.data.db.select({ n: count() }).from(outboxTable).where(eq(outboxTable.listed, true)).get();
    return {
      software: {
        name: "tendril",
        version: SOFTWARE_VERSION,
        homepage: new URL("/", ctx.data.config.origin),
      },
      protocols: ["activitypub"],
      openRegistrations: false,
      usage: {
        users: { total: 1, activeMonth: 1, activeHalfyear: 1 },
        localPosts: posts?.n ?? 0,
        localComments: 0,
      },
      metadata: { community: ctx.data.config.handle, nodeName: ctx.data.config.name },
    };
  });
}
