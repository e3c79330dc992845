"use client";
// Small form parts shared by the pages: a labelled field, a submit button and an alert.
import { type ButtonHTMLAttributes, type InputHTMLAttributes, type ReactNode, useSyncExternalStore } from "react";

const noChanges = () => () => undefined;

/**
 * A form's submit button, disabled until the page's script has started: a
 * form sent before then would go as a plain GET, putting what was typed (a
 * password) into the address bar, the history and the server's logs. (A
 * disabled default button also stops Enter from sending the form.)
 */
export function SubmitButton(props: Omit<ButtonHTMLAttributes<HTMLButtonElement>, "type">) {
  const scripted = useSyncExternalStore(
    noChanges,
    () => true,
    () => false,
  );
  return <button {...props} type="submit" disabled={!scripted || props.disabled} />;
}

/** A form's submit button and a Cancel beside it. `className` styles the submit button; `small` both. */
export function SubmitOrCancel(props: {
  children: ReactNode;
  className?: string;
  disabled: boolean;
  onCancel: () => void;
  small?: boolean;
}) {
  const size = props.small ? " small" : "";
  return (
    <div className="actions">
      <SubmitButton className={`${props.className ?? "button"}${size}`} disabled={props.disabled}>
        {props.children}
      </SubmitButton>
      <button type="button" className={`button secondary${size}`} onClick={props.onCancel}>
        Cancel
      </button>
    </div>
  );
}

export function Field(
  props: {
    label: string;
    name: string;
    error?: string;
    hint?: ReactNode;
    /** Shown right under the input (a strength meter). */
    children?: ReactNode;
  } & Omit<InputHTMLAttributes<HTMLInputElement>, "children">,
) {
  const { label, name, error, hint, children, ...input } = props;
  const id = `field-${name}`;
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} name={name} aria-invalid={error ? true : undefined} aria-describedby={describedBy} {...input} />
      {children}
      {hint ? (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

export function Alert(props: { children: ReactNode; tone?: "error" | "success" | "info" }) {
  const tone = props.tone ?? "error";
  return (
    <div className={`alert alert-${tone}`} role={tone === "error" ? "alert" : "status"}>
      {props.children}
    </div>
  );
}
