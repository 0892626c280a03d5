import type { Federation } from "@fedify/fedify";
import { driverIdOf, findDriver } from "../transport/drivers.js";
import { toDriverPerson } from "./mappers/driver.js";
import { Application, Endpoints, Group, Place, PropertyValue } from "@fedify/vocab";
import { ledgerHead } from "../community/ledger-store.js";
import { INSTANCE_ACTOR, type NodeServices, PATHS } from "./context.js";

/**
 * The actors this node hosts: its community (a Group other nodes and
 * Mastodon users follow) and an instance actor that signs our fetches.
 */
export function registerActors(federation: Federation<NodeServices>): void {
  federation
    .setActorDispatcher(PATHS.actor, async (ctx, identifier) => {
      const { config } = ctx.data;
      const keys = await ctx.getActorKeyPairs(identifier);
      const common = {
        id: ctx.getActorUri(identifier),
        inbox: ctx.getInboxUri(identifier),
        endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
        publicKey: keys[0]?.cryptographicKey ?? null,
        assertionMethods: keys.map((k) => k.multikey),
      };
      if (identifier === INSTANCE_ACTOR) {
        return new Application({
          ...common,
          preferredUsername: INSTANCE_ACTOR,
          name: `${config.name} (node)`,
          manuallyApprovesFollowers: true,
        });
      }
      const driverId = driverIdOf(identifier);
      if (driverId !== null) {
        const driver = findDriver(ctx.data.db, driverId);
        return driver ? toDriverPerson(driver, common, ctx.getActorUri(config.handle)) : null;
      }
      if (identifier !== config.handle) return null;
      return new Group({
        ...common,
        preferredUsername: config.handle,
        name: config.name,
        summary: config.summary === "" ? null : config.summary,
        url: ctx.getActorUri(identifier),
        outbox: ctx.getOutboxUri(identifier),
        followers: ctx.getFollowersUri(identifier),
        manuallyApprovesFollowers: config.followPolicy === "manual",
        location: config.location
          ? new Place({
              name: config.location.name || null,
              latitude: config.location.lat,
              longitude: config.location.lon,
            })
          : null,
        // The public ledger's head travels on the actor, so followers can notice a rewritten history.
        attachments: [
          new PropertyValue({ name: "ledgerHead", value: ledgerHead(ctx.data.db) }),
          new PropertyValue({ name: "ledger", value: new URL("/ledger", config.origin).href }),
        ],
      });
    })
    .mapHandle((ctx, username) => (username === ctx.data.config.handle ? username : null))
    .setKeyPairsDispatcher(async (ctx, identifier) => {
      const isDriver =
        driverIdOf(identifier) !== null && findDriver(ctx.data.db, driverIdOf(identifier)!) !== undefined;
      if (identifier !== INSTANCE_ACTOR && identifier !== ctx.data.config.handle && !isDriver) return [];
      const pairs = await ctx.data.keys.get(identifier);
      return [pairs.rsa, pairs.ed25519];
    });
}
