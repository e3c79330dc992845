// The first administrator, made from the command line (npm run admin:create).
// Anyone can register any address and leave it unconfirmed, so an account
// holding the admin's address proves nothing about who owns it. This never
// makes an unconfirmed account an admin: it promotes a confirmed one only when
// asked to (--promote), and replaces an unconfirmed one only when asked to
// (--replace-unverified), deleting it with everything that hangs on it.
import type { z } from "zod";
import { emailSchema, nameSchema, passwordSchema } from "@/shared/schemas/fields";
import { AppError, validationFailed } from "../app-error";
import { hashPassword } from "../auth/password";
import { assertAcceptablePassword } from "../auth/password-policy";
import type { Db } from "../db/client";
import { isUniqueViolation } from "../db/errors";
import { deletePendingMailOfAccount } from "../db/mail-outbox";
import { inTransaction } from "../db/transactions";
import { createUserWithLogin, deleteUserById, findAddressHolderRow, findLoginForReplacement, promoteConfirmedHolder } from "../db/users";
import { audit } from "./audit";

/** How the command appears in the audit log: it acts for nobody who is logged in. */
const ADMIN_CREATE_ACTOR = { id: null, name: "admin:create (command line)" } as const;

/** The account that already holds an address, as the command describes it. */
export type AddressHolder = {
  userId: string;
  name: string;
  verified: boolean;
  admin: boolean;
  createdAt: Date;
  sessions: number;
  links: number;
};

export type AdminBootstrapRequest = {
  email: string;
  /** The new account's name; not needed (and not applied) when promoting. */
  name?: string;
  /** Asked for only when an account is created. */
  password: () => string | Promise<string>;
  /** Make an existing account with a confirmed address an admin (keeping its password). */
  promote?: boolean;
  /** Delete an unconfirmed account holding the address and create the admin afresh. */
  replaceUnverified?: boolean;
  /** Told which account is about to be deleted, before anything changes. */
  beforeReplace?: (holder: AddressHolder) => void | Promise<void>;
};

export type AdminBootstrapOutcome =
  | { outcome: "created"; userId: string; email: string }
  | { outcome: "promoted"; userId: string; email: string; name: string }
  | { outcome: "already-admin"; userId: string; email: string; name: string }
  | { outcome: "replaced"; userId: string; email: string; replaced: AddressHolder; mailsDropped: number }
  | { outcome: "refused"; reason: "verified-account" | "unverified-account"; email: string; holder: AddressHolder };

function parseField<T>(schema: z.ZodType<T>, field: string, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw validationFailed(field, parsed.error.issues[0]?.message ?? "Not valid.");
  return parsed.data;
}

const changedMeanwhile = (email: string) =>
  new AppError("EMAIL_TAKEN", `The account holding ${email} changed while the command ran, so nothing was changed. Run the command again.`);

async function findAddressHolder(db: Db, email: string): Promise<AddressHolder | null> {
  const login = await findAddressHolderRow(db, email);
  if (!login) return null;
  return {
    userId: login.user.id,
    name: login.user.name,
    verified: login.emailVerifiedAt !== null,
    admin: login.user.admin,
    createdAt: login.user.createdAt,
    sessions: login.user._count.sessions,
    links: login.user._count.emailVerificationTokens,
  };
}

export async function bootstrapAdmin(db: Db, request: AdminBootstrapRequest): Promise<AdminBootstrapOutcome> {
  const email = parseField(emailSchema, "email", request.email);
  const holder = await findAddressHolder(db, email);

  if (holder?.verified) {
    if (holder.admin) return { outcome: "already-admin", userId: holder.userId, email, name: holder.name };
    if (!request.promote) return { outcome: "refused", reason: "verified-account", email, holder };
    await inTransaction(db, async (tx) => {
      // Only if the account is still the confirmed holder of the address.
      if (!(await promoteConfirmedHolder(tx, holder.userId, email))) throw changedMeanwhile(email);
      await audit(tx, [
        {
          actor: ADMIN_CREATE_ACTOR,
          target: { id: holder.userId, label: email },
          action: "setFlag",
          field: "admin",
          oldValue: "false",
          newValue: "true",
        },
      ]);
    });
    return { outcome: "promoted", userId: holder.userId, email, name: holder.name };
  }

  if (holder && !request.replaceUnverified) return { outcome: "refused", reason: "unverified-account", email, holder };

  // Create (or replace): every check comes before the account is touched.
  const name = parseField(nameSchema, "name", request.name);
  const password = parseField(passwordSchema, "password", await request.password());
  await assertAcceptablePassword(password, { emails: [email], names: [name] });
  const passwordHash = await hashPassword(password);
  if (holder) await request.beforeReplace?.(holder);

  try {
    return await inTransaction(db, async (tx) => {
      let mailsDropped = 0;
      if (holder) {
        const login = await findLoginForReplacement(tx, email);
        if (!login || login.userId !== holder.userId || login.emailVerifiedAt) throw changedMeanwhile(email);
        // Mail queued for that account would carry its dead links (or its
        // registrant's words) to the address's real owner: it goes too.
        mailsDropped = await deletePendingMailOfAccount(tx, email, login.pendingEmail, login.createdAt);
        await audit(tx, [
          {
            actor: ADMIN_CREATE_ACTOR,
            target: { id: holder.userId, label: email },
            action: "deleteUser",
            newValue: "unconfirmed account replaced by the new admin",
          },
        ]);
        // Sessions, links and the login go with the user (ON DELETE CASCADE).
        await deleteUserById(tx, holder.userId);
      }
      const user = await createUserWithLogin(tx, { name, admin: true }, { email, passwordHash, emailVerifiedAt: new Date() });
      await audit(tx, [{ actor: ADMIN_CREATE_ACTOR, target: { id: user.id, label: email }, action: "createAdmin" }]);
      return holder
        ? { outcome: "replaced" as const, userId: user.id, email, replaced: holder, mailsDropped }
        : { outcome: "created" as const, userId: user.id, email };
    });
  } catch (error) {
    // Someone registered the address after it was looked up.
    if (isUniqueViolation(error)) throw changedMeanwhile(email);
    throw error;
  }
}
