"use client";
import { useState, type FormEvent } from "react";
import { teacherTokenOptions } from "@/shared/schemas/teacher-token";
import { messageOf, zodFieldErrors } from "@/shared/error-message";
import { api } from "@/trpc/react";
import { Alert, Field } from "@/components/form";

const STATE_LABELS = { active: "Active", expired: "Expired", revoked: "Revoked", used: "Used up" } as const;

export function TeacherTokensSection() {
  const utils = api.useUtils();
  const tokens = api.admin.listTeacherTokens.useQuery();
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [created, setCreated] = useState<{ token: string; expiresAt: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const create = api.admin.createTeacherToken.useMutation({
    onSuccess: async (result) => {
      setCreated(result);
      setCopied(false);
      await utils.admin.listTeacherTokens.invalidate();
    },
  });
  const revoke = api.admin.revokeTeacherToken.useMutation({
    onSuccess: () => utils.admin.listTeacherTokens.invalidate(),
  });

  function onCreate(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const parsed = teacherTokenOptions.safeParse({
      maxUses: Number(form.get("maxUses") || 1),
      expiresInDays: Number(form.get("expiresInDays") || 14),
      note: String(form.get("note") ?? "") || undefined,
    });
    if (!parsed.success) {
      setFieldErrors(zodFieldErrors(parsed.error.issues));
      return;
    }
    setFieldErrors({});
    create.mutate(parsed.data);
  }

  async function copy() {
    if (!created) return;
    await navigator.clipboard.writeText(created.token).catch(() => undefined);
    setCopied(true);
  }

  return (
    <section aria-labelledby="tokens-heading" className="stack">
      <div className="panel">
        <h2 id="tokens-heading">Create a teacher token</h2>
        <p className="muted">Give the token to a teacher: registering with it makes them a verified teacher at once.</p>
        <form onSubmit={onCreate} noValidate className="inline-form">
          <Field label="Uses" name="maxUses" type="number" min={1} max={1000} defaultValue={1} error={fieldErrors.maxUses} />
          <Field label="Valid for (days)" name="expiresInDays" type="number" min={1} max={90} defaultValue={14} error={fieldErrors.expiresInDays} />
          <Field label="Note (optional)" name="note" maxLength={200} placeholder="e.g. Science department" error={fieldErrors.note} />
          <button className="button" type="submit" disabled={create.isPending}>
            Create token
          </button>
        </form>
        {create.error ? <Alert>{messageOf(create.error)}</Alert> : null}
        {created ? (
          <div className="token-once" role="status">
            <p>
              <strong>Copy this token now: it is shown only once.</strong> Valid until{" "}
              {new Date(created.expiresAt).toLocaleString()}.
            </p>
            <div className="token-row">
              <code aria-label="New teacher token">{created.token}</code>
              <button type="button" className="button secondary small" onClick={copy}>
                {copied ? "Copied" : "Copy"}
              </button>
            </div>
          </div>
        ) : null}
      </div>

      <div className="panel">
        <h2>Tokens</h2>
        {tokens.error ? <Alert>{messageOf(tokens.error)}</Alert> : null}
        {revoke.error ? <Alert>{messageOf(revoke.error)}</Alert> : null}
        {tokens.data?.items.length === 0 ? <p className="empty">No tokens yet.</p> : null}
        <ul className="token-list" aria-label="Teacher tokens">
          {tokens.data?.items.map((t) => (
            <li key={t.id} className="token-item">
              <div>
                <strong>{t.note || "Teacher token"}</strong>{" "}
                <span className={`badge state-${t.state}`}>{STATE_LABELS[t.state]}</span>
                <p className="muted">
                  {t.uses} of {t.maxUses} used · {t.usesLeft} left · expires {new Date(t.expiresAt).toLocaleDateString()}
                  {t.createdBy ? ` · by ${t.createdBy.name}` : ""}
                </p>
              </div>
              {t.state === "active" ? (
                <button type="button" className="button danger-outline small" disabled={revoke.isPending} onClick={() => revoke.mutate({ id: t.id })}>
                  Revoke<span className="visually-hidden"> {t.note || "token"}</span>
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}
