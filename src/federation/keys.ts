import { exportJwk, generateCryptoKeyPair, importJwk } from "@fedify/fedify";
import { and, eq } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { actorKeysTable } from "../db/schema/node.js";

export interface ActorKeyPairs {
  readonly rsa: CryptoKeyPair;
  readonly ed25519: CryptoKeyPair;
}

/**
 * RSA-2048 made with WebCrypto directly: Fedify's generateCryptoKeyPair makes
 * RSA-4096, whose signing is ~14× slower, for no gain among our peers.
 */
async function generateRsa2048(): Promise<CryptoKeyPair> {
  return (await crypto.subtle.generateKey(
    { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["sign", "verify"],
  )) as CryptoKeyPair;
}

async function importPair(row: { privateJwk: string; publicJwk: string }): Promise<CryptoKeyPair> {
  return {
    privateKey: await importJwk(JSON.parse(row.privateJwk), "private"),
    publicKey: await importJwk(JSON.parse(row.publicJwk), "public"),
  };
}

/**
 * Loads an actor's key pairs, creating and persisting them on first use.
 * Imported keys are cached: re-importing a JWK per signature is measurable.
 */
export class KeyRing {
  readonly #db: Db;
  readonly #cache = new Map<string, Promise<ActorKeyPairs>>();

  constructor(db: Db) {
    this.#db = db;
  }

  get(actor: string): Promise<ActorKeyPairs> {
    let pending = this.#cache.get(actor);
    if (pending === undefined) {
      pending = this.#loadOrCreate(actor);
      this.#cache.set(actor, pending);
      pending.catch(() => this.#cache.delete(actor));
    }
    return pending;
  }

  async #loadOrCreate(actor: string): Promise<ActorKeyPairs> {
    const rsa = await this.#pair(actor, "RSASSA-PKCS1-v1_5", generateRsa2048);
    const ed25519 = await this.#pair(actor, "Ed25519", () => generateCryptoKeyPair("Ed25519"));
    return { rsa, ed25519 };
  }

  async #pair(
    actor: string,
    algorithm: "RSASSA-PKCS1-v1_5" | "Ed25519",
    generate: () => Promise<CryptoKeyPair>,
  ): Promise<CryptoKeyPair> {
    const where = and(eq(actorKeysTable.actor, actor), eq(actorKeysTable.algorithm, algorithm));
    const existing = this.#db.select().from(actorKeysTable).where(where).get();
    if (existing) return importPair(existing);
    const pair = await generate();
    const row = {
      actor,
      algorithm,
      privateJwk: JSON.stringify(await exportJwk(pair.privateKey)),
      publicJwk: JSON.stringify(await exportJwk(pair.publicKey)),
    };
    // Another request may have created the pair while we generated ours: the stored one wins.
    this.#db.insert(actorKeysTable).values(row).onConflictDoNothing().run();
    const stored = this.#db.select().from(actorKeysTable).where(where).get();
    return stored ? importPair(stored) : pair;
  }
}
