import type { FastifyRequest } from "fastify";
import type { Db } from "../db/client.js";
import { HttpProblem } from "../lib/problem.js";
import { isCoordinator, memberForSession } from "../community/members.js";
import { isValidAdminToken } from "../node/identity.js";

/**
 * preHandler for admin endpoints: `Authorization: Bearer <admin token>`, or an
 * elected coordinator's session (the bootstrap token retires once they exist).
 */
export function requireAdmin(db: Db) {
  return async (request: FastifyRequest) => {
    const header = request.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match?.[1]) {
      throw HttpProblem.of("unauthorized", "Send the admin token as `Authorization: Bearer <token>`.");
    }
    if (isValidAdminToken(db, match[1])) return;
    const member = memberForSession(db, match[1]);
    if (!member || !isCoordinator(member)) throw HttpProblem.of("unauthorized", "The admin token is not valid (nor a coordinator's session).");
  };
}
