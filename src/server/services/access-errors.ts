// Refusals shared by the user and admin services.
import { AppError } from "../app-error";

export const userNotFound = () => new AppError("USER_NOT_FOUND", "There is no user with this id.");

export const notPermitted = (what: string) => new AppError("NOT_PERMITTED", `You are not allowed to ${what}.`);
