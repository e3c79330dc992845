// Under plain `next start` the JSON APIs are served here; the server entry
// (scripts/serve.ts) answers the same paths with the same handler first.
import { createApiHandler } from "@/server/http/api-server";
import { services } from "@/server/services/instance";

export const dynamic = "force-dynamic";

const handler = createApiHandler(services);
export { handler as GET, handler as POST, handler as PUT, handler as PATCH, handler as DELETE };
