import { config } from "@/env";
import { openApiDocument } from "@/server/http/openapi";

export function GET() {
  return Response.json(openApiDocument(config().APP_URL));
}
