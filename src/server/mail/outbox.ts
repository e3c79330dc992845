// The outbox. A request records only what to send (enqueueMail, inside the
// transaction of the change that causes it); this worker composes and sends
// it afterwards through Resend, off the request path, retrying with
// exponential backoff, so nothing is lost while Resend is down and a request
// costs the same whatever the mail turns out to be.
//
// What rests in the table: until delivery, the request's parameters and then
// the composed mail (a retry must send the same body); once delivered, the
// kind, recipient and provider id only. Handled rows are purged after
// MAIL_RETENTION_DAYS. Without RESEND_API_KEY, a development server keeps the
// composed mail for /dev/mailbox and prints its link to the log; a production
// server keeps neither.
import type { Resend } from "resend";
import type { Config } from "@/env";
import type { Db } from "../db/client";
import {
  claimMail,
  deleteMailById,
  deleteMailByIds,
  deleteUnownedMailTo,
  findDueMail,
  findHandledMailIds,
  insertOutboxMail,
  markMailFailed,
  markMailKept,
  markMailSent,
  markMailUnsent,
  type OutboxRow,
} from "../db/mail-outbox";
import { logger } from "../logger";
import type { ComposedMail } from "./compose";
import { linkTtlMs, type QueuedMail } from "./mail-kinds";

type Tx = Pick<Db, "outboxEmail">;

const BATCH = 20;
const CLAIM_MS = 60_000;
const SEND_TIMEOUT_MS = 10_000;
const MAX_BACKOFF_MS = 15 * 60_000;
const POLL_MS = 5_000;
const PURGE_EVERY_MS = 3600 * 1000;
/** Rows per purge statement: on SQLite each statement holds the event loop. */
const PURGE_BATCH = 500;
const DAY_MS = 24 * 3600 * 1000;

/** Records a mail to send, inside the caller's transaction. */
export async function enqueueMail(tx: Tx, mail: QueuedMail): Promise<void> {
  const ttl = linkTtlMs(mail.kind);
  await insertOutboxMail(tx, {
    kind: mail.kind,
    to: mail.to,
    userId: mail.userId ?? null,
    params: "params" in mail ? JSON.stringify(mail.params) : null,
    expiresAt: ttl ? new Date(Date.now() + ttl) : null,
  });
}

/**
 * Deletes the rows addressed to a deleted account's address that name no
 * user (requests by address, mail from before rows named their user); rows
 * that name the user go with it by cascade.
 */
export async function deleteMailByAddress(tx: Tx, address: string): Promise<void> {
  await deleteUnownedMailTo(tx, address);
}

/** Delay before retry number `attempts` (1 s, 2 s, 4 s … up to 15 minutes). */
export function backoffMs(attempts: number): number {
  return Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.max(0, attempts - 1));
}

/** Turns a queued row into its mail (and saves it on the row), or says why there is none. */
export type ComposeQueued = (row: OutboxRow) => Promise<ComposedMail | { drop: string }>;

export type MailDeliveryConfig = Pick<Config, "NODE_ENV" | "RESEND_API_KEY" | "RESEND_BASE_URL" | "EMAIL_FROM" | "MAIL_RETENTION_DAYS">;

export class MailDelivery {
  /** Loaded with the first mail sent: the SDK is not needed before. */
  private resend: Promise<Resend> | undefined;
  private running: Promise<void> | null = null;
  private again = false;
  private soon: NodeJS.Immediate | null = null;
  private timers: NodeJS.Timeout[] = [];
  private stopped = false;

  constructor(
    private readonly db: Db,
    private readonly config: MailDeliveryConfig,
    private readonly composeQueued: ComposeQueued,
    /** How long one send may take before it counts as failed (and is retried). */
    private readonly sendTimeoutMs = SEND_TIMEOUT_MS,
  ) {}

  private resendClient(apiKey: string): Promise<Resend> {
    this.resend ??= import("resend").then(
      ({ Resend }) => new Resend(apiKey, this.config.RESEND_BASE_URL ? { baseUrl: this.config.RESEND_BASE_URL } : undefined),
    );
    return this.resend;
  }

  /** Runs delivery rounds until nothing is due; rounds never overlap within one instance. */
  kick(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          // A full batch may leave more due mail behind.
          let claimed = BATCH;
          while (claimed >= BATCH) claimed = await this.deliverDue();
        } catch (error) {
          logger.warn({ err: error }, "mail delivery round failed; will retry");
        }
      } while (this.again);
      this.running = null;
    })();
    return this.running;
  }

  /**
   * A delivery round after the current turn of the event loop: the request
   * that queued mail answers without waiting for (or sharing a turn with)
   * the composing and sending.
   */
  kickSoon(): void {
    if (this.soon || this.stopped) return;
    this.soon = setImmediate(() => {
      this.soon = null;
      void this.kick();
    });
  }

  /** Polls for due mail (retries, mail written by other instances) and purges old mail hourly. */
  start(): void {
    if (this.timers.length) return;
    this.stopped = false;
    const purge = () =>
      void this.purgeHandled().then(
        (count) => count && logger.info(`purged ${count} delivered mail(s) older than ${this.config.MAIL_RETENTION_DAYS} days`),
        (error) => logger.warn({ err: error }, "purging delivered mail failed; will retry"),
      );
    // unref: the timers never keep a stopping process alive.
    this.timers = [setInterval(() => void this.kick(), POLL_MS), setInterval(purge, PURGE_EVERY_MS)];
    for (const timer of this.timers) timer.unref();
    void this.kick();
    purge();
  }

  /** Stops the timers and waits for a running round. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    if (this.soon) clearImmediate(this.soon);
    this.soon = null;
    await this.running;
  }

  /** Handles every due mail once; returns how many were claimed. */
  async deliverDue(now = new Date()): Promise<number> {
    const due = await findDueMail(this.db, now, BATCH);
    let handled = 0;
    for (const mail of due) {
      // Claim the row so that another instance does not send it too.
      if (!(await claimMail(this.db, mail.id, now, new Date(Date.now() + CLAIM_MS)))) continue;
      await this.deliverOne(mail, now);
      handled++;
    }
    return handled;
  }

  /**
   * Deletes mail handled more than MAIL_RETENTION_DAYS ago, in batches;
   * pending mail is never purged. Returns how many rows went.
   */
  async purgeHandled(now = new Date(), batch = PURGE_BATCH): Promise<number> {
    const before = new Date(now.getTime() - this.config.MAIL_RETENTION_DAYS * DAY_MS);
    let deleted = 0;
    for (;;) {
      const old = await findHandledMailIds(this.db, before, batch);
      if (old.length === 0) return deleted;
      deleted += await deleteMailByIds(this.db, old);
      if (old.length < batch) return deleted;
    }
  }

  private async deliverOne(row: OutboxRow, now: Date) {
    let failure: string;
    try {
      if (row.expiresAt && row.expiresAt <= now) return await this.drop(row, "its link expired before it could be delivered");
      let mail: ComposedMail;
      if (row.subject !== null && row.html !== null && row.text !== null) {
        mail = { subject: row.subject, html: row.html, text: row.text };
      } else {
        const composed = await this.composeQueued(row);
        if ("drop" in composed) return await this.drop(row, composed.drop);
        mail = composed;
      }
      if (!this.config.RESEND_API_KEY) return await this.keepUnsent(row, mail);
      const resend = await this.resendClient(this.config.RESEND_API_KEY);
      const { data, error } = await resend.emails.send(
        { from: this.config.EMAIL_FROM, to: row.to, subject: mail.subject, html: mail.html, text: mail.text },
        // The key makes a retry after a lost answer deliver the mail only once.
        { idempotencyKey: `outbox-${row.id}`, signal: AbortSignal.timeout(this.sendTimeoutMs) },
      );
      if (!error) {
        // Delivered: the body (and with it the link) leaves the table.
        await markMailSent(this.db, row.id, data?.id ?? null, new Date());
        return;
      }
      failure = `${error.name}: ${error.message}`;
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error);
    }
    const attempts = row.attempts + 1;
    logger.warn(`mail ${row.id} (${row.kind}) not delivered (attempt ${attempts}): ${failure}`);
    await markMailFailed(this.db, row.id, attempts, failure.slice(0, 500), new Date(Date.now() + backoffMs(attempts)));
  }

  /** Nothing to send (no account, already confirmed, link expired): the row goes. */
  private async drop(row: OutboxRow, reason: string) {
    await deleteMailById(this.db, row.id);
    logger.info(`mail ${row.id} (${row.kind}) not sent: ${reason}`);
  }

  /**
   * No RESEND_API_KEY. In development the mail is kept for /dev/mailbox and
   * its link printed; in production nothing of it is kept (a live link in a
   * table or a log is a credential at rest), only a warning.
   */
  private async keepUnsent(row: OutboxRow, mail: ComposedMail) {
    const sentAt = new Date();
    if (this.config.NODE_ENV === "production") {
      await markMailUnsent(this.db, row.id, sentAt, "RESEND_API_KEY is not set");
      logger.warn(`mail ${row.id} (${row.kind}) to ${row.to} not sent: RESEND_API_KEY is not set`);
      return;
    }
    await markMailKept(this.db, row.id, sentAt);
    logger.info(`mail to ${row.to}: "${mail.subject}" ${firstLink(mail.text) ?? ""} (kept for /dev/mailbox)`);
  }
}

function firstLink(text: string): string | undefined {
  return text.match(/https?:\/\/\S+/)?.[0];
}
