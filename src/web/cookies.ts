/** The small part of RFC 6265 the node needs: read the Cookie header, write one Set-Cookie. */

export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    try {
      value = decodeURIComponent(value);
    } catch {
      continue; // a malformed cookie is as good as none
    }
    // The first occurrence wins: browsers send the most specific path first.
    if (!out.has(name)) out.set(name, value);
  }
  return out;
}

export interface CookieOptions {
  readonly maxAgeSeconds?: number;
  readonly secure: boolean;
  readonly path?: string;
}

/** HttpOnly and SameSite=Lax always: scripts never read the session, and cross-site POSTs do not carry it. */
export function serializeCookie(name: string, value: string, options: CookieOptions): string {
  const parts = [`${name}=${encodeURIComponent(value)}`, `Path=${options.path ?? "/"}`, "HttpOnly", "SameSite=Lax"];
  if (options.maxAgeSeconds !== undefined) parts.push(`Max-Age=${Math.max(0, Math.floor(options.maxAgeSeconds))}`);
  if (options.secure) parts.push("Secure");
  return parts.join("; ");
}
