// Text no field of ours can hold is refused at the edge, on every API, before
// any input reaches a service, so both databases answer the same
// VALIDATION_FAILED instead of failing on write: NUL characters (PostgreSQL
// cannot store them) and lone UTF-16 surrogates (JSON's "\ud800" escapes parse
// into them, and no UTF-8 database can store them).

import { LONE_SURROGATE } from "@/shared/schemas/free-text";
import { AppError } from "./app-error";

type Unstorable = "nul" | "lone-surrogate";

function inString(text: string): Unstorable | null {
  if (text.includes("\u0000")) return "nul";
  return LONE_SURROGATE.test(text) ? "lone-surrogate" : null;
}

/** The first unstorable text in any string or key of a parsed input, or null. */
export function findUnstorableText(value: unknown, depth = 0): Unstorable | null {
  if (typeof value === "string") return inString(value);
  if (!value || typeof value !== "object" || depth > 20) return null;
  const children = Array.isArray(value) ? value : Object.entries(value).flat();
  for (const child of children) {
    const found = findUnstorableText(child, depth + 1);
    if (found) return found;
  }
  return null;
}

export function unstorableTextRefused(kind: Unstorable): AppError {
  const [message, detail] =
    kind === "nul"
      ? ["Text fields must not contain NUL characters.", "contains a NUL character"]
      : ["Text fields must be valid Unicode: this one holds a lone surrogate.", "contains a lone surrogate"];
  return new AppError("VALIDATION_FAILED", message, { fieldErrors: { input: [detail] } });
}
