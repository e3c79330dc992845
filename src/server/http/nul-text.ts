// Text with NUL characters is refused at the edge, on every API: PostgreSQL
// cannot store it and no field of ours needs it, so both databases answer
// the same VALIDATION_FAILED.
import { AppError } from "../app-error";

export function containsNul(value: unknown, depth = 0): boolean {
  if (typeof value === "string") return value.includes("\u0000");
  if (!value || typeof value !== "object" || depth > 20) return false;
  if (Array.isArray(value)) return value.some((v) => containsNul(v, depth + 1));
  return Object.entries(value).some(([k, v]) => k.includes("\u0000") || containsNul(v, depth + 1));
}

export const nulRefused = () =>
  new AppError("BAD_REQUEST", "VALIDATION_FAILED", "Text fields must not contain NUL characters.", {
    fieldErrors: { input: ["contains a NUL character"] },
  });
