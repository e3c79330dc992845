// The one check of a password someone chooses (registration, reset, change,
// the first admin): not in the common-password list, and none of the
// guessable shapes of src/shared/password-rules.ts, judged with the person's
// own name and address. Length is the schema's (passwordSchema).
import { type PasswordContext, passwordProblem } from "@/shared/password-rules";
import { validationFailed } from "../app-error";
import { isCommonPassword } from "./common-passwords";

const TOO_COMMON = "This password is too common. Choose one that is harder to guess.";

/** VALIDATION_FAILED on `field`, saying what is wrong, unless the password is acceptable. */
export async function assertAcceptablePassword(password: string, context: PasswordContext, field = "password"): Promise<void> {
  if (await isCommonPassword(password)) throw validationFailed(field, TOO_COMMON);
  const problem = passwordProblem(password, context);
  if (problem) throw validationFailed(field, problem);
}
