// The JSON APIs as Next.js route handlers, for plain `next start`: the route
// files under src/app re-export these (Next.js needs a file per path); the
// server entry (scripts/serve.ts) answers the same paths with the same
// handler before Next.js sees them.
import { services } from "../services/instance";
import { createApiHandler } from "./api-server";

const handler = createApiHandler(services);
export { handler as GET, handler as POST, handler as PUT, handler as PATCH, handler as DELETE };
