import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Synchronizer tokens bound to the browser's session: the token is an HMAC of
 * the session cookie's value under a key only this process knows, so a page
 * from another site can neither read nor compute it. A new session (login,
 * logout) means new tokens. After a restart open forms need a reload.
 */
export class Csrf {
  constructor(private readonly key: Buffer) {}

  token(binding: string): string {
    return createHmac("sha256", this.key).update(`csrf:${binding}`).digest("base64url");
  }

  /** Constant-time comparison of the submitted token with the expected one. */
  verify(binding: string | null, submitted: unknown): boolean {
    if (!binding || typeof submitted !== "string") return false;
    const expected = Buffer.from(this.token(binding));
    const actual = Buffer.from(submitted);
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }
}
