"use client";
// New recovery codes, shown once: copy them, download them, then say they are saved.
import { useState } from "react";
import styles from "./second-factors.module.css";

export function RecoveryCodes(props: { codes: string[]; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  const text = `Recovery codes for your account. Each works once, in place of a code from your app.\n\n${props.codes.join("\n")}\n`;
  async function copy() {
    await navigator.clipboard.writeText(props.codes.join("\n")).catch(() => undefined);
    setCopied(true);
  }
  return (
    <div className="token-once" role="status" aria-labelledby="recovery-codes-heading">
      <h3 id="recovery-codes-heading">Your recovery codes</h3>
      <p>
        <strong>Save these codes now: they are shown only once.</strong> If you lose your phone, each one logs you in once instead of a code
        from your app. Keep them somewhere safe, such as a password manager.
      </p>
      <ul className={styles.codes} aria-label="Recovery codes">
        {props.codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ul>
      <div className="actions">
        <button type="button" className="button secondary small" onClick={copy}>
          {copied ? "Copied" : "Copy"}
        </button>
        <a
          className="button secondary small"
          href={`data:text/plain;charset=utf-8,${encodeURIComponent(text)}`}
          download="recovery-codes.txt"
        >
          Download as .txt
        </a>
        <button type="button" className="button small" onClick={props.onDone}>
          I have saved them
        </button>
      </div>
    </div>
  );
}
