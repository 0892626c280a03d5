/**
 * Process-wide shims Fedify needs on Node 20. Import this module first (before
 * anything that loads Fedify); it exports nothing and only patches globals.
 */
import { Temporal } from "@js-temporal/polyfill";

const g = globalThis as { navigator?: unknown; Temporal?: unknown };

// Node 20 has no global `navigator`; Fedify's Ed25519 JWK import reads
// `navigator.userAgent` to detect the runtime and crashes without it.
g.navigator ??= { userAgent: "Node.js" };

// Node 20 has no native Temporal. Fedify imports the polyfill itself, but our
// code and some of Fedify's callers reach for the global, so provide the same one.
g.Temporal ??= Temporal;
