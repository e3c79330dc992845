"use client";
// One passkey in the account's list: when it was added and last used; rename it, or remove it with the password.
import { type FormEvent, useState } from "react";
import type { z } from "zod";
import { Alert, Field, SubmitOrCancel } from "@/components/form";
import { messageOf, zodFieldErrors } from "@/shared/error-message";
import { currentPasswordSchema } from "@/shared/schemas/fields";
import { renamePasskeyInput, type secondFactorsOutput } from "@/shared/schemas/second-factor";
import { api } from "@/trpc/react";
import styles from "./second-factors.module.css";

type Passkey = z.infer<typeof secondFactorsOutput>["passkeys"][number];

const day = (iso: string) => new Date(iso).toLocaleDateString(undefined, { dateStyle: "medium" });

export function PasskeyItem(props: { passkey: Passkey; onChanged: (notice: string) => void }) {
  const { passkey } = props;
  const utils = api.useUtils();
  const [mode, setMode] = useState<"rename" | "remove" | null>(null);
  const [error, setError] = useState<string | undefined>();
  const done = async (notice: string) => {
    setMode(null);
    props.onChanged(notice);
    await utils.user.secondFactors.invalidate();
  };
  const rename = api.user.renamePasskey.useMutation({ onSuccess: (_r, input) => done(`Passkey renamed to “${input.name}”.`) });
  const remove = api.user.removePasskey.useMutation({ onSuccess: () => done(`Passkey “${passkey.name}” removed.`) });
  const field = `passkey-${passkey.id}`;

  function onRename(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = renamePasskeyInput.safeParse({ id: passkey.id, name: new FormData(event.currentTarget).get(`${field}-name`) });
    if (!parsed.success) return setError(zodFieldErrors(parsed.error.issues).name);
    setError(undefined);
    rename.mutate(parsed.data);
  }

  function onRemove(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = currentPasswordSchema.safeParse(new FormData(event.currentTarget).get(`${field}-password`));
    if (!parsed.success) return setError(parsed.error.issues[0]?.message);
    setError(undefined);
    remove.mutate({ id: passkey.id, password: parsed.data });
  }

  const open = (next: "rename" | "remove" | null) => {
    setError(undefined);
    rename.reset();
    remove.reset();
    setMode(next);
  };
  const failure = rename.error ?? remove.error;
  return (
    <li className={styles.item}>
      <div>
        <strong>{passkey.name}</strong>
        <p className="muted">
          Added {day(passkey.createdAt)} · {passkey.lastUsedAt ? `last used ${day(passkey.lastUsedAt)}` : "not used yet"}
        </p>
      </div>
      {mode === null ? (
        <div className="actions">
          <button type="button" className="button secondary small" onClick={() => open("rename")}>
            Rename<span className="visually-hidden"> {passkey.name}</span>
          </button>
          <button type="button" className="button danger-outline small" onClick={() => open("remove")}>
            Remove<span className="visually-hidden"> {passkey.name}</span>
          </button>
        </div>
      ) : (
        <form
          noValidate
          onSubmit={mode === "rename" ? onRename : onRemove}
          aria-label={`${mode === "rename" ? "Rename" : "Remove"} ${passkey.name}`}
        >
          {failure ? <Alert>{messageOf(failure)}</Alert> : null}
          {mode === "rename" ? (
            <Field label="New name" name={`${field}-name`} defaultValue={passkey.name} maxLength={60} error={error} />
          ) : (
            <Field
              label="Your password"
              name={`${field}-password`}
              type="password"
              autoComplete="current-password"
              hint="You can no longer log in with this passkey once it is removed."
              error={error}
            />
          )}
          <SubmitOrCancel
            className={mode === "rename" ? "button" : "button danger"}
            small
            disabled={rename.isPending || remove.isPending}
            onCancel={() => open(null)}
          >
            {mode === "rename" ? "Rename passkey" : "Remove passkey"}
          </SubmitOrCancel>
        </form>
      )}
    </li>
  );
}
