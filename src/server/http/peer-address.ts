// Records the socket's address on the request, overwriting any value a client
// sent under the same header name, so the app can trust it.
import type { IncomingMessage } from "node:http";
import { PEER_ADDRESS_HEADER } from "../auth/request-origin";

export function recordPeerAddress(req: IncomingMessage): void {
  const address = req.socket.remoteAddress;
  if (address) req.headers[PEER_ADDRESS_HEADER] = address.replace(/^::ffff:/, "");
  else delete req.headers[PEER_ADDRESS_HEADER];
}
