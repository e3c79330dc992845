// The JSON APIs the edge answers itself, without Next.js's router (an API
// call is then our code and one query): tRPC under /api/trpc, seed 000's
// Users API under /api/user, seed 002's User API under /user, and the
// OpenAPI document describing the seeds' APIs, and the operators' health and
// metrics endpoints.

import { trpcApi } from "./api/trpc-api";
import type { JsonApi } from "./http/edge";
import { errorAnswer, jsonAnswer } from "./http/json-answer";
import { routeTableApi } from "./http/json-routes";
import { LEGACY_USER_API_BASE, legacyUserApiNotFound, legacyUserApiRoutes } from "./http/legacy-user-api";
import { openApiDocument } from "./http/openapi";
import { operatorApi } from "./http/operator-api";
import { USER_API_BASE, userApiNotFound, userApiRoutes } from "./http/rest-user-api";
import type { Services } from "./services/service-container";

const OPENAPI_PATH = "/api/openapi.json";

/** GET /api/openapi.json; its errors (a wrong method) as {error: appCode, message}. */
const openApiDocumentApi = (appUrl: string): JsonApi => ({
  owns: (pathname) => pathname === OPENAPI_PATH,
  methodsAt: () => ["GET"],
  handle: async () => jsonAnswer(200, openApiDocument(appUrl)),
  errorAnswer: (error) => errorAnswer(error, { error: error.appCode, message: error.message }),
});

export function jsonApis(services: Services): JsonApi[] {
  return [
    trpcApi(services),
    openApiDocumentApi(services.config.APP_URL),
    routeTableApi(USER_API_BASE, userApiRoutes, userApiNotFound, services),
    routeTableApi(LEGACY_USER_API_BASE, legacyUserApiRoutes, legacyUserApiNotFound, services),
    operatorApi(services.config.METRICS_TOKEN),
  ];
}
