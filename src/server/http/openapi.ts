// The OpenAPI 3.1 document of the plain HTTP APIs, generated from the same
// route tables (and so the same Zod schemas) that serve them, with zod-openapi.
// Each operation declares every status it may answer: those of its appCodes
// (routeErrors) as the error table (src/shared/app-codes.ts) gives them.
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject, type ZodOpenApiResponseObject } from "zod-openapi";
import { APP_ERRORS, type AppCode } from "@/shared/app-codes";
import { type JsonRoute, routeErrors } from "./json-routes";
import { LEGACY_USER_API_BASE, legacyUserApiRoutes } from "./legacy-user-api";
import { USER_API_BASE, userApiRoutes } from "./rest-user-api";

/** Headers an error answer of this status carries (with these appCodes). */
function errorHeaders(status: number, codes: AppCode[]): ZodOpenApiResponseObject["headers"] {
  const retryAfter = { description: "Seconds until a retry may succeed.", schema: { type: "integer" as const, minimum: 1 } };
  if (status === 405) return { Allow: { description: "The methods this path serves.", required: true, schema: { type: "string" } } };
  if (status === 429) return { "Retry-After": { ...retryAfter, required: true } };
  if (status === 503 && codes.includes("OVERLOADED"))
    return { "Retry-After": { ...retryAfter, description: "Sent with OVERLOADED: seconds to wait." } };
  return undefined;
}

function errorResponses(r: JsonRoute): Record<string, ZodOpenApiResponseObject> {
  const byStatus = new Map<number, AppCode[]>();
  for (const code of routeErrors(r)) {
    const status = APP_ERRORS[code].httpStatus;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const responses: Record<string, ZodOpenApiResponseObject> = {};
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
    const headers = errorHeaders(status, codes);
    responses[String(status)] = {
      description: `Error ${codes.join(", ")} (the appCodes are described in docs/errors.md).`,
      ...(headers ? { headers } : {}),
      content: { "application/json": { schema: r.errorBody } },
    };
  }
  return responses;
}

/**
 * A session by cookie or Bearer token is a security scheme; a route without
 * one, or with the token in the body (seed 002, which no scheme can
 * describe: its description says so), declares none.
 */
function security(r: JsonRoute): ZodOpenApiOperationObject["security"] {
  return r.auth === "cookie-or-bearer" || r.auth === "presented-token" ? [{ sessionCookie: [] }, { bearer: [] }] : [];
}

function operation(r: JsonRoute, tag: string): ZodOpenApiOperationObject {
  return {
    operationId: r.operationId,
    tags: [tag],
    summary: r.summary,
    description: r.description,
    security: security(r),
    ...(r.input ? { requestBody: { required: true, content: { "application/json": { schema: r.input } } } } : {}),
    responses: {
      "200": { description: "Success", content: { "application/json": { schema: r.output } } },
      ...errorResponses(r),
    },
  };
}

function paths(base: string, routes: JsonRoute[], tag: string): ZodOpenApiPathsObject {
  const out: ZodOpenApiPathsObject = {};
  for (const r of routes) {
    const path = `${base}${r.path}`;
    out[path] = { ...out[path], [r.method.toLowerCase()]: operation(r, tag) };
  }
  return out;
}

const cached = new Map<string, ReturnType<typeof createDocument>>();

/** The document for the deployment at appUrl (APP_URL), its one server. */
export function openApiDocument(appUrl: string) {
  const existing = cached.get(appUrl);
  if (existing) return existing;
  const document = createDocument({
    openapi: "3.1.0",
    info: {
      title: "Accounts API",
      version: "1.0.0",
      description:
        "User accounts for schools and learning platforms. Two plain JSON APIs, both served by the same services as the app's own tRPC API at /api/trpc: the Users API of seed 000 under /api/user (session by cookie or Bearer token) and the User API of seed 002 under /user (session token in the body). Every error names a stable appCode, listed in docs/errors.md.",
    },
    servers: [{ url: appUrl, description: "This deployment" }],
    tags: [
      { name: "Users API (seed 000)", description: "Answers {status: 'success', data} or {status: 'error', error: {code, message}}." },
      { name: "User API (seed 002)", description: "Answers {error: null, …} or {error: appCode, …}." },
    ],
    components: {
      securitySchemes: {
        sessionCookie: { type: "apiKey", in: "cookie", name: "session", description: "`__Host-session` when served over https." },
        bearer: { type: "http", scheme: "bearer", description: "The session token." },
      },
    },
    paths: {
      ...paths(USER_API_BASE, userApiRoutes, "Users API (seed 000)"),
      ...paths(LEGACY_USER_API_BASE, legacyUserApiRoutes, "User API (seed 002)"),
    },
  });
  cached.set(appUrl, document);
  return document;
}
