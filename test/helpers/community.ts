import { setClockForTests } from "../../src/community/clock.js";
import type { TestNode } from "./test-app.js";

/** A hand-driven clock for the community (the process-wide source is replaced per test file). */
export function manualClock(startIso: string) {
  let t = Date.parse(startIso);
  setClockForTests(() => t);
  return {
    now: () => t,
    set(iso: string) {
      t = Date.parse(iso);
    },
    advance(ms: number) {
      t += ms;
    },
  };
}

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** Calls the API; `as` is a session token or the admin token. */
export async function call(node: TestNode, method: string, url: string, as?: string, payload?: unknown) {
  const r = await node.app.inject({
    method: method as "GET",
    url,
    headers: as ? { authorization: `Bearer ${as}` } : {},
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
  return { status: r.statusCode, body: r.body ? (JSON.parse(r.body) as any) : null };
}

/** Sets an open join policy (bootstrap token), then joins and logs in each handle; returns session tokens by handle. */
export async function withMembers(
  node: TestNode,
  handles: string[],
): Promise<Record<string, { token: string; id: number }>> {
  const p = await call(node, "PUT", "/api/policy", node.token, { joinPolicy: "open" });
  if (p.status !== 200) throw new Error(`policy: ${JSON.stringify(p.body)}`);
  const out: Record<string, { token: string; id: number }> = {};
  for (const handle of handles) {
    const j = await call(node, "POST", "/api/members", undefined, {
      handle,
      displayName: handle,
      password: `${handle}-password-123`,
    });
    if (j.status !== 201) throw new Error(`join ${handle}: ${JSON.stringify(j.body)}`);
    const s = await call(node, "POST", "/api/sessions", undefined, { handle, password: `${handle}-password-123` });
    out[handle] = { token: s.body.token, id: j.body.id };
  }
  return out;
}
