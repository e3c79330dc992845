import { AppError } from "../app-error";

export const emailTaken = () =>
  new AppError("CONFLICT", "EMAIL_TAKEN", "This email address already belongs to another account.");
