// The bundled list of ~49,000 common passwords (zxcvbn-ts's common list, a
// maintained package, read once on first use). The policy that uses it is
// password-policy.ts.
import { dictionary } from "@zxcvbn-ts/language-common";

let list: Set<string> | undefined;

export function isCommonPassword(password: string): boolean {
  list ??= new Set((dictionary["passwords-common"] as string[]).map((p) => p.toLowerCase()));
  return list.has(password.toLowerCase());
}
