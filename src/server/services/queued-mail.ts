// What a queued mail becomes at delivery. The request recorded only what to
// send; the outbox worker calls this to find the recipient's account (a
// request for an address without one is dropped here, off the request path),
// mint the link, compose the mail and save it on the row, so that a retry
// sends the very same body (Resend refuses an Idempotency-Key reused with
// another body). The row drops the body once the mail is delivered.
import type { Config } from "@/env";
import { LINK_LIFETIMES, type LinkPurpose } from "@/shared/policy";
import { newSecretToken } from "../auth/secret-token";
import type { Db } from "../db/client";
import { saveComposedMail } from "../db/mail-outbox";
import { inTransaction } from "../db/transactions";
import { findLoginOwnerWithName, findMailRecipientByEmail, findMailRecipientByUserId } from "../db/users";
import type { ComposedMail } from "../mail/compose";
import { isMailKind, SECOND_FACTOR_CHANGES, type SecondFactorChange } from "../mail/mail-kinds";
import { storeMailedToken, voidUnusedLinks } from "./mailed-token";

export type QueuedRow = {
  id: string;
  kind: string;
  to: string;
  userId: string | null;
  params: string | null;
  expiresAt: Date | null;
  createdAt: Date;
};

/** Nothing to send, and why (for the log; never shown to anyone). */
export type Dropped = { drop: string };

type Recipient = { userId: string; name: string; email: string | null; emailVerified: boolean; pendingEmail: string | null };

/** The account a mail is for: by its user, or by the address a request named. */
async function recipientOf(db: Db, row: QueuedRow): Promise<Recipient | null> {
  if (row.userId) {
    const user = await findMailRecipientByUserId(db, row.userId);
    return (
      user && {
        userId: user.id,
        name: user.name,
        email: user.login?.email ?? null,
        emailVerified: !!user.login?.emailVerifiedAt,
        pendingEmail: user.login?.pendingEmail ?? null,
      }
    );
  }
  const login = await findMailRecipientByEmail(db, row.to);
  return (
    login && {
      userId: login.userId,
      name: login.user.name,
      email: login.email,
      emailVerified: !!login.emailVerifiedAt,
      pendingEmail: login.pendingEmail,
    }
  );
}

export async function composeQueuedMail(db: Db, config: Pick<Config, "APP_URL">, row: QueuedRow): Promise<ComposedMail | Dropped> {
  if (!isMailKind(row.kind)) return { drop: "unknown kind of mail" };
  const who = await recipientOf(db, row);
  if (!who) return { drop: "no account for this mail" };
  const link = (path: string, token: string) => `${config.APP_URL}${path}?token=${encodeURIComponent(token)}`;
  // Whoever registered an address named its account: until the address is
  // confirmed that name is a stranger's text, and no mail to it carries it.
  const name = who.emailVerified ? who.name : null;
  // Loaded on the first mail, not at start: React Email is a large part of the process's memory.
  const mails = await import("../mail/compose");
  switch (row.kind) {
    case "verify-email":
      if (who.email !== row.to) return { drop: "the address is not the account's" };
      if (who.emailVerified) return { drop: "the address is already confirmed" };
      return withLink(db, row, who.userId, "verify", (token, lifetime) => mails.verifyEmailMail(link("/verify", token), lifetime));
    case "confirm-new-email": {
      // Only while this is still the pending address: a cancelled or replaced change sends nothing.
      if (who.pendingEmail !== row.to) return { drop: "the change was cancelled or replaced" };
      // An address that has an account gets a notice instead of a link; the
      // requester was answered the same either way (no oracle). An account
      // that never confirmed the address does not hold it against its
      // mailbox: the link goes out, and using it removes that account
      // (registration.ts, verifyEmail).
      const holder = await findLoginOwnerWithName(db, row.to);
      if (holder?.emailVerifiedAt)
        return save(db, row, holder.userId, await mails.emailAddressInUseMail(holder.user.name), "email-address-in-use");
      return withLink(db, row, who.userId, "change-email", (token, lifetime) =>
        mails.confirmNewEmailMail(link("/verify", token), lifetime),
      );
    }
    case "email-address-in-use":
      return { drop: "never queued: composed in place of confirm-new-email" };
    case "email-changed": {
      const newEmail = paramsOf(row).newEmail;
      if (typeof newEmail !== "string") return { drop: "no new address to name" };
      return withLink(db, row, who.userId, "revert-email", (token, lifetime) =>
        mails.emailChangedMail(name, newEmail, link("/reset-password", token), lifetime),
      );
    }
    case "reset-password":
      if (who.email !== row.to) return { drop: "the address is not the account's" };
      return withLink(db, row, who.userId, "reset-password", (token, lifetime) =>
        mails.resetPasswordMail(name, link("/reset-password", token), lifetime),
      );
    case "registration-attempt":
      if (who.email !== row.to) return { drop: "the address is not the account's" };
      return save(db, row, who.userId, await mails.registrationAttemptMail(name, `${config.APP_URL}/login`));
    case "email-change-notice": {
      const newEmail = paramsOf(row).newEmail;
      if (typeof newEmail !== "string") return { drop: "no new address to name" };
      return save(db, row, who.userId, await mails.emailChangedNoticeMail(name, newEmail));
    }
    case "password-changed":
      return save(db, row, who.userId, await mails.passwordChangedMail(name, config.APP_URL));
    case "recovery-code-used":
      return save(db, row, who.userId, await mails.recoveryCodeUsedMail(name, config.APP_URL));
    case "second-factors-reset":
      return save(db, row, who.userId, await mails.secondFactorsResetMail(name, config.APP_URL));
    case "second-factor-changed": {
      const { change, passkeyName } = paramsOf(row);
      if (!SECOND_FACTOR_CHANGES.includes(change as SecondFactorChange)) return { drop: "no change to name" };
      const passkey = typeof passkeyName === "string" ? passkeyName : undefined;
      return save(db, row, who.userId, await mails.secondFactorChangedMail(name, config.APP_URL, change as SecondFactorChange, passkey));
    }
  }
}

/**
 * Mints the mail's link and saves the composed mail in one transaction: the
 * token's hash exists exactly when a body carrying the token does. The mail
 * is told how long its link works (LINK_LIFETIMES), in seconds.
 */
async function withLink(
  db: Db,
  row: QueuedRow,
  userId: string,
  purpose: LinkPurpose,
  compose: (token: string, lifetimeSeconds: number) => Promise<ComposedMail>,
): Promise<ComposedMail> {
  const token = newSecretToken();
  const lifetime = LINK_LIFETIMES[purpose];
  const mail = await compose(token, lifetime);
  // The link lives as long as it would have, sent at the request.
  const expiresAt = row.expiresAt ?? new Date(row.createdAt.getTime() + lifetime * 1000);
  await inTransaction(db, async (tx) => {
    // Only the newest address link confirms. Reset (and take-back) links
    // stay valid side by side, so that requests by someone else never void
    // the owner's link; they all die when one is used.
    if (purpose === "verify" || purpose === "change-email") await voidUnusedLinks(tx, userId, purpose);
    await storeMailedToken(tx, { token, userId, purpose, email: row.to, expiresAt });
    await save(tx, row, userId, mail);
  });
  return mail;
}

/** Saves the composed mail on its row (as `kind` when the worker chose another mail than the one queued). */
async function save(
  db: Pick<Db, "outboxEmail">,
  row: QueuedRow,
  userId: string,
  mail: ComposedMail,
  kind = row.kind,
): Promise<ComposedMail> {
  // A row deleted meanwhile (its user deleted) fails the send, and the token
  // minted with it is rolled back (db/mail-outbox.ts).
  await saveComposedMail(db, row.id, { kind, userId, ...mail });
  return mail;
}

function paramsOf(row: QueuedRow): Record<string, unknown> {
  try {
    const value: unknown = row.params ? JSON.parse(row.params) : {};
    return value && typeof value === "object" ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
