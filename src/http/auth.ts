import type { FastifyRequest } from "fastify";
import type { Db } from "../db/client.js";
import { HttpProblem } from "../lib/problem.js";
import { isValidAdminToken } from "../node/identity.js";

/** preHandler for admin endpoints: `Authorization: Bearer <admin token>`. */
export function requireAdmin(db: Db) {
  return async (request: FastifyRequest) => {
    const header = request.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match?.[1]) {
      throw HttpProblem.of("unauthorized", "Send the admin token as `Authorization: Bearer <token>`.");
    }
    if (!isValidAdminToken(db, match[1])) throw HttpProblem.of("unauthorized", "The admin token is not valid.");
  };
}
