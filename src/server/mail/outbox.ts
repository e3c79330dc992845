// Delivers the outbox. Mail rows are written inside the transaction of the
// change that causes them; this worker sends them afterwards through Resend,
// retrying with exponential backoff, so nothing is lost while Resend is down.
// With no RESEND_API_KEY (development) mail is kept for /dev/mailbox and its
// link printed to the log.
import { Resend } from "resend";
import type { Config } from "@/env";
import type { Db } from "../db/client";
import type { OutgoingMail } from "./compose";
import { logger } from "../logger";

type Tx = Pick<Db, "outboxEmail">;

const BATCH = 20;
const CLAIM_MS = 60_000;
const SEND_TIMEOUT_MS = 10_000;
const MAX_BACKOFF_MS = 15 * 60_000;
const POLL_MS = 5_000;

/** Writes a mail to the outbox, inside the caller's transaction. */
export async function enqueueMail(tx: Tx, mail: OutgoingMail): Promise<void> {
  await tx.outboxEmail.create({ data: mail });
}

/** Delay before retry number `attempts` (1 s, 2 s, 4 s … up to 15 minutes). */
export function backoffMs(attempts: number): number {
  return Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.max(0, attempts - 1));
}

export class MailDelivery {
  private readonly resend: Resend | null;
  private running: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Db,
    private readonly config: Pick<Config, "RESEND_API_KEY" | "RESEND_BASE_URL" | "EMAIL_FROM">,
    /** How long one send may take before it counts as failed (and is retried). */
    private readonly sendTimeoutMs = SEND_TIMEOUT_MS,
  ) {
    this.resend = config.RESEND_API_KEY
      ? new Resend(config.RESEND_API_KEY, config.RESEND_BASE_URL ? { baseUrl: config.RESEND_BASE_URL } : undefined)
      : null;
  }

  /** Asks for a delivery round soon; rounds never overlap within one instance. */
  kick(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          await this.deliverDue();
        } catch (error) {
          logger.warn("mail delivery round failed; will retry", error);
        }
      } while (this.again);
      this.running = null;
    })();
    return this.running;
  }

  /** Polls for due mail (retries, mail written by other instances). */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.kick(), POLL_MS);
    this.timer.unref();
    void this.kick();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Sends every due mail once; returns how many were handled. */
  async deliverDue(now = new Date()): Promise<number> {
    const due = await this.db.outboxEmail.findMany({
      where: {
        status: "pending",
        nextAttemptAt: { lte: now },
        OR: [{ lockedUntil: null }, { lockedUntil: { lt: now } }],
      },
      orderBy: { nextAttemptAt: "asc" },
      take: BATCH,
    });
    let handled = 0;
    for (const mail of due) {
      // Claim the row so that another instance does not send it too.
      const claimed = await this.db.outboxEmail.updateMany({
        where: { id: mail.id, status: "pending", OR: [{ lockedUntil: null }, { lockedUntil: { lt: now } }] },
        data: { lockedUntil: new Date(Date.now() + CLAIM_MS) },
      });
      if (claimed.count !== 1) continue;
      await this.deliverOne(mail);
      handled++;
    }
    return handled;
  }

  private async deliverOne(mail: { id: string; to: string; subject: string; html: string; text: string; attempts: number }) {
    if (!this.resend) {
      logger.info(`mail to ${mail.to}: "${mail.subject}" ${firstLink(mail.text) ?? ""} (kept for /dev/mailbox)`);
      await this.db.outboxEmail.update({
        where: { id: mail.id },
        data: { status: "kept", lockedUntil: null, sentAt: new Date() },
      });
      return;
    }
    let failure: string;
    try {
      const { data, error } = await this.resend.emails.send(
        { from: this.config.EMAIL_FROM, to: mail.to, subject: mail.subject, html: mail.html, text: mail.text },
        // The key makes a retry after a lost answer deliver the mail only once.
        { idempotencyKey: `outbox-${mail.id}`, signal: AbortSignal.timeout(this.sendTimeoutMs) },
      );
      if (!error) {
        await this.db.outboxEmail.update({
          where: { id: mail.id },
          data: { status: "sent", providerId: data?.id ?? null, sentAt: new Date(), lockedUntil: null, lastError: null },
        });
        return;
      }
      failure = `${error.name}: ${error.message}`;
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error);
    }
    const attempts = mail.attempts + 1;
    logger.warn(`mail ${mail.id} to ${mail.to} not delivered (attempt ${attempts}): ${failure}`);
    await this.db.outboxEmail.update({
      where: { id: mail.id },
      data: {
        attempts,
        lastError: failure.slice(0, 500),
        nextAttemptAt: new Date(Date.now() + backoffMs(attempts)),
        lockedUntil: null,
      },
    });
  }
}

function firstLink(text: string): string | undefined {
  return text.match(/https?:\/\/\S+/)?.[0];
}
