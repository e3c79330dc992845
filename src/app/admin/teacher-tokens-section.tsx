"use client";
import { type FormEvent, useState } from "react";
import { Alert, Field, SubmitButton } from "@/components/form";
import { messageOf, zodFieldErrors } from "@/shared/error-message";
import type { TeacherTokenLimits } from "@/shared/policy";
import { teacherTokenOptions } from "@/shared/schemas/teacher-token";
import { api } from "@/trpc/react";

const STATE_LABELS = { active: "Active", expired: "Expired", revoked: "Revoked", used: "Used up" } as const;

/** Who may register with a new token: its holder, or only one address or one domain's addresses. */
type Binding = "anyone" | "email" | "domain";
const BINDING_CHOICES: { value: Binding; label: string }[] = [
  { value: "anyone", label: "Anyone who has it" },
  { value: "email", label: "One email address" },
  { value: "domain", label: "Addresses at one domain" },
];

function bindingText(t: { email: string | null; domain: string | null }): string | null {
  if (t.email) return `for ${t.email} only`;
  if (t.domain) return `for addresses @${t.domain} only`;
  return null;
}

/** `limits`: the bounds and defaults of a new token (shared/policy.ts), which the form states. */
export function TeacherTokensSection(props: { limits: TeacherTokenLimits }) {
  const { limits } = props;
  const utils = api.useUtils();
  const tokens = api.admin.listTeacherTokens.useQuery();
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [created, setCreated] = useState<{ token: string; expiresAt: string; email: string | null; domain: string | null } | null>(null);
  const [copied, setCopied] = useState(false);
  const [binding, setBinding] = useState<Binding>("anyone");
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
      maxUses: Number(form.get("maxUses") || limits.maxUses.default),
      expiresInDays: Number(form.get("expiresInDays") || limits.expiresInDays.default),
      note: String(form.get("note") ?? "") || undefined,
      email: binding === "email" ? String(form.get("email") ?? "") : undefined,
      domain: binding === "domain" ? String(form.get("domain") ?? "") : undefined,
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
        <form onSubmit={onCreate} noValidate className="token-form">
          <div className="inline-form">
            <Field
              label="Uses"
              name="maxUses"
              type="number"
              min={limits.maxUses.min}
              max={limits.maxUses.max}
              defaultValue={limits.maxUses.default}
              error={fieldErrors.maxUses}
            />
            <Field
              label="Valid for (days)"
              name="expiresInDays"
              type="number"
              min={limits.expiresInDays.min}
              max={limits.expiresInDays.max}
              defaultValue={limits.expiresInDays.default}
              error={fieldErrors.expiresInDays}
            />
            <Field
              label="Note (optional)"
              name="note"
              maxLength={limits.noteLength}
              placeholder="e.g. Science department"
              error={fieldErrors.note}
            />
          </div>
          <fieldset className="choice-group">
            <legend>Who may register with it</legend>
            {BINDING_CHOICES.map((choice) => (
              <label key={choice.value} className="choice">
                <input
                  type="radio"
                  name="binding"
                  value={choice.value}
                  checked={binding === choice.value}
                  onChange={() => setBinding(choice.value)}
                />
                {choice.label}
              </label>
            ))}
          </fieldset>
          {binding === "email" ? (
            <Field
              key="email"
              label="Teacher's email address"
              name="email"
              type="email"
              autoComplete="off"
              maxLength={254}
              placeholder="e.g. ada@school.example"
              hint="Only this address can register with the token."
              error={fieldErrors.email}
            />
          ) : null}
          {binding === "domain" ? (
            <Field
              key="domain"
              label="Email domain"
              name="domain"
              autoComplete="off"
              maxLength={253}
              placeholder="e.g. school.example"
              hint="Only addresses at exactly this domain can register with the token (name@school.example, not name@pupils.school.example)."
              error={fieldErrors.domain}
            />
          ) : null}
          <div>
            <SubmitButton className="button" disabled={create.isPending}>
              Create token
            </SubmitButton>
          </div>
        </form>
        {create.error ? <Alert>{messageOf(create.error)}</Alert> : null}
        {created ? (
          <div className="token-once" role="status">
            <p>
              <strong>Copy this token now: it is shown only once.</strong> Valid until {new Date(created.expiresAt).toLocaleString()}
              {bindingText(created) ? `, ${bindingText(created)}` : ""}.
            </p>
            <div className="token-row">
              {/* biome-ignore lint/a11y/useAriaPropsSupportedByRole: the label names the token for screen readers (axe accepts it); <code> has no label element */}
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
                <strong>{t.note || "Teacher token"}</strong> <span className={`badge state-${t.state}`}>{STATE_LABELS[t.state]}</span>
                <p className="muted">
                  {bindingText(t) ? `${bindingText(t)} · ` : ""}
                  {t.uses} of {t.maxUses} used · {t.usesLeft} left · expires {new Date(t.expiresAt).toLocaleDateString()}
                  {t.createdBy ? ` · by ${t.createdBy.name}` : ""}
                </p>
              </div>
              {t.state === "active" ? (
                <button
                  type="button"
                  className="button danger-outline small"
                  disabled={revoke.isPending}
                  onClick={() => revoke.mutate({ id: t.id })}
                >
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
