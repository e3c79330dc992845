// The bundled list of ~49,000 common passwords (zxcvbn-ts's common list, a
// maintained package). Loaded on first use, not at start: it is 15 MB of the
// process's memory, and most processes' requests never choose a password.
// The policy that uses it is password-policy.ts.
let list: Promise<Set<string>> | undefined;

export async function isCommonPassword(password: string): Promise<boolean> {
  list ??= import("@zxcvbn-ts/language-common").then(
    ({ dictionary }) => new Set((dictionary["passwords-common"] as string[]).map((p) => p.toLowerCase())),
  );
  return (await list).has(password.toLowerCase());
}
