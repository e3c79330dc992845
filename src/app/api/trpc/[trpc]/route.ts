import { handleTrpcRequest } from "@/server/api/http-handler";
import { services } from "@/server/services/instance";

export const dynamic = "force-dynamic";

function handler(req: Request) {
  return handleTrpcRequest(req, services());
}

export { handler as GET, handler as POST };
