// Refuses passwords found in a bundled list of ~49,000 common passwords
// (zxcvbn-ts's common list, a maintained package, read once on first use).
import { dictionary } from "@zxcvbn-ts/language-common";
import { validationFailed } from "../app-error";

let list: Set<string> | undefined;

export function isCommonPassword(password: string): boolean {
  list ??= new Set((dictionary["passwords-common"] as string[]).map((p) => p.toLowerCase()));
  return list.has(password.toLowerCase());
}

/** VALIDATION_FAILED on `field` when the password is a common one. */
export function assertNotCommonPassword(password: string, field = "password"): void {
  if (isCommonPassword(password)) throw validationFailed(field, "This password is too common. Choose one that is harder to guess.");
}
