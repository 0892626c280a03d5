/**
 * RFC 9457 problem details. Every API error leaves the node in this shape;
 * the `type` URIs are stable and resolve to a short page on the node itself.
 */
export const PROBLEM_CONTENT_TYPE = "application/problem+json";

export const PROBLEM_TYPES = {
  validation: { slug: "validation", title: "The request is not valid", status: 400 },
  unauthorized: { slug: "unauthorized", title: "Authentication is required", status: 401 },
  forbidden: { slug: "forbidden", title: "Not allowed", status: 403 },
  notFound: { slug: "not-found", title: "Not found", status: 404 },
  conflict: { slug: "conflict", title: "Conflicts with the current state", status: 409 },
  payloadTooLarge: { slug: "payload-too-large", title: "The request body is too large", status: 413 },
  unsupportedMediaType: { slug: "unsupported-media-type", title: "Unsupported media type", status: 415 },
  unprocessable: { slug: "unprocessable", title: "The request cannot be carried out", status: 422 },
  tooManyRequests: { slug: "too-many-requests", title: "Too many requests", status: 429 },
  badGateway: { slug: "remote-failed", title: "A remote server did not answer as expected", status: 502 },
  unavailable: { slug: "unavailable", title: "The node cannot do this now", status: 503 },
  internal: { slug: "internal", title: "Internal server error", status: 500 },
} as const;

export type ProblemKind = keyof typeof PROBLEM_TYPES;

/** One offending input: `name` is the field's path (`quantity`, `window.until`, `query.limit`). */
export interface InvalidParam {
  readonly name: string;
  readonly reason: string;
}

export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly instance?: string;
  readonly errors?: readonly InvalidParam[];
  readonly [extension: string]: unknown;
}

export function problemTypeUri(kind: ProblemKind): string {
  return `/problems/${PROBLEM_TYPES[kind].slug}`;
}

export function makeProblem(
  kind: ProblemKind,
  detail?: string,
  extra: Record<string, unknown> = {},
): Problem {
  const t = PROBLEM_TYPES[kind];
  return {
    type: problemTypeUri(kind),
    title: t.title,
    status: t.status,
    ...(detail === undefined ? {} : { detail }),
    ...extra,
  };
}

/** A validation problem naming every offending field, so a client can mark them all at once. */
export function validationProblem(errors: readonly InvalidParam[]): Problem {
  const names = errors.map((e) => e.name).join(", ");
  const detail = errors.length === 1 ? `${errors[0]?.name}: ${errors[0]?.reason}` : `Invalid fields: ${names}`;
  return makeProblem("validation", detail, { errors });
}

/**
 * Thrown by HTTP handlers for an expected failure; the error handler turns
 * it into problem+json. Domain code returns results instead of throwing.
 */
export class HttpProblem extends Error {
  readonly problem: Problem;
  constructor(problem: Problem) {
    super(problem.detail ?? problem.title);
    this.problem = problem;
  }
  static of(kind: ProblemKind, detail?: string, extra?: Record<string, unknown>): HttpProblem {
    return new HttpProblem(makeProblem(kind, detail, extra));
  }
  static invalid(name: string, reason: string): HttpProblem {
    return new HttpProblem(validationProblem([{ name, reason }]));
  }
}
