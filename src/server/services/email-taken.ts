import { AppError } from "../app-error";

export const emailTaken = () => new AppError("EMAIL_TAKEN", "This email address already belongs to another account.");
