// What the account page says about how long a session lasts.
import { durationInWords } from "@/shared/duration-in-words";

export function sessionLifetimeSentence(ttlSeconds: number): string {
  return `You stay logged in for up to ${durationInWords(ttlSeconds)}.`;
}
