"use client";
// A password's strength while it is typed: the same refusals as the server
// (src/shared/password-rules.ts), then zxcvbn's estimate, loaded on first use.
// In words as well as colour, announced politely to screen readers.
import { useDeferredValue, useEffect, useState } from "react";
import { type PasswordContext, passwordProblem } from "@/shared/password-rules";
import { PASSWORD_MIN } from "@/shared/schemas/fields";
import type { Estimate } from "./password-estimate";

type Estimator = (password: string, ownWords: string[]) => Estimate;

let loading: Promise<Estimator> | null = null;
function loadEstimator(): Promise<Estimator> {
  loading ??= import("./password-estimate").then((m) => m.estimate);
  return loading;
}

const LEVELS = ["Very weak", "Weak", "Fair", "Good", "Strong"] as const;

/** The words zxcvbn should treat as guessable: the name and the address's local part. */
function ownWords(context: PasswordContext): string[] {
  const emails = (context.emails ?? []).flatMap((e) => (e ? [e.split("@")[0]!, e] : []));
  const names = (context.names ?? []).flatMap((n) => (n ? [n, ...n.split(/\s+/)] : []));
  return [...emails, ...names].filter((w) => w.length >= 3);
}

/** level: 0–4 as zxcvbn scores, null while the estimate loads. */
type Verdict = { level: number | null; label: string; advice: string | null };

function verdict(password: string, context: PasswordContext, estimator: Estimator | null): Verdict {
  const problem = passwordProblem(password, context);
  if (problem) return { level: 0, label: "Not accepted", advice: problem };
  // The field's hint already says how long (at least PASSWORD_MIN characters).
  if (password.length < PASSWORD_MIN) return { level: 0, label: "Too short", advice: null };
  if (!estimator) return { level: null, label: "Checking…", advice: null };
  const { score, warning } = estimator(password, ownWords(context));
  const advice = warning ?? (score < 3 ? "Add another word or two. Unusual words are better." : null);
  return { level: score, label: LEVELS[score], advice };
}

/** `fieldError`: the message the field shows already, not repeated here. */
export function PasswordStrength(props: { password: string; context: PasswordContext; fieldError?: string }) {
  const password = useDeferredValue(props.password);
  const [estimator, setEstimator] = useState<Estimator | null>(null);
  useEffect(() => {
    if (!password || estimator) return;
    let current = true;
    loadEstimator().then(
      (e) => current && setEstimator(() => e),
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [password, estimator]);

  const shown = password ? verdict(password, props.context, estimator) : null;
  // A refused or very weak password still lights one (red) segment.
  const lit = shown?.level == null ? 0 : Math.max(1, shown.level);
  return (
    <div className="strength" data-level={shown?.level ?? undefined}>
      <div className="strength-bar" aria-hidden="true">
        {[1, 2, 3, 4].map((i) => (
          <span key={i} className={i <= lit ? "on" : undefined} />
        ))}
      </div>
      <p className="strength-text" aria-live="polite">
        {shown ? (
          <>
            <strong>Strength: {shown.label}.</strong> {shown.advice === props.fieldError ? null : shown.advice}
          </>
        ) : (
          "Strength shows here as you type."
        )}
      </p>
    </div>
  );
}
