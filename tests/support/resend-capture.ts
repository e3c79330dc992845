// A local stand-in for the Resend API that the real Resend SDK talks to
// (RESEND_BASE_URL). It records every mail, honours Idempotency-Key like
// Resend does, and can be told to fail (500) or hang, for fault tests.

import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

export type CapturedMail = {
  id: string;
  from: string;
  to: string[];
  subject: string;
  html: string;
  text: string;
  idempotencyKey: string | null;
};

export type CaptureMode = "ok" | "fail" | "hang";

export class ResendCapture {
  readonly mails: CapturedMail[] = [];
  mode: CaptureMode = "ok";
  requests = 0;
  private server = http.createServer((req, res) => this.handle(req, res));
  private byKey = new Map<string, string>();
  private hanging = new Set<http.ServerResponse>();

  async start(port = 0): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(port, "127.0.0.1", resolve));
    return this.url;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Mail sent to an address, newest last. */
  to(address: string): CapturedMail[] {
    return this.mails.filter((m) => m.to.includes(address));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      // Read-only views for browser tests and people: GET /emails.
      if (req.method === "GET" && req.url === "/emails") {
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(this.mails));
        return;
      }
      if (req.method !== "POST" || req.url !== "/emails") {
        res
          .writeHead(404, { "content-type": "application/json" })
          .end(JSON.stringify({ name: "not_found", message: "Not found", statusCode: 404 }));
        return;
      }
      this.requests++;
      if (this.mode === "hang") {
        this.hanging.add(res);
        return;
      }
      if (this.mode === "fail") {
        res
          .writeHead(500, { "content-type": "application/json" })
          .end(JSON.stringify({ name: "internal_server_error", message: "Capture server told to fail", statusCode: 500 }));
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>;
      const key = (req.headers["idempotency-key"] as string | undefined) ?? null;
      const known = key ? this.byKey.get(key) : undefined;
      if (known) {
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ id: known }));
        return;
      }
      const id = randomUUID();
      if (key) this.byKey.set(key, id);
      this.mails.push({
        id,
        from: String(body.from),
        to: Array.isArray(body.to) ? body.to.map(String) : [String(body.to)],
        subject: String(body.subject),
        html: String(body.html ?? ""),
        text: String(body.text ?? ""),
        idempotencyKey: key,
      });
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ id }));
    });
  }
}

/** The first link in a mail's text that starts with the given prefix. */
export function linkIn(mail: { text: string }, prefix: string): string {
  const link = mail.text.match(/https?:\/\/[^\s)\]]+/g)?.find((l) => l.startsWith(prefix));
  if (!link) throw new Error(`no link starting with ${prefix} in mail:\n${mail.text}`);
  return link;
}
