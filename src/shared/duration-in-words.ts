// A duration as the pages and mails state it: "1 hour", "24 hours", "7 days".
import { DAY, HOUR, MINUTE } from "./policy";

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"}`;

/**
 * Whole days from two days up ("7 days"); below that hours, minutes and
 * seconds ("24 hours", "1 hour and 30 minutes"), never rounded: a page that
 * promises "up to 1 hour" must not mean 61 minutes.
 */
export function durationInWords(seconds: number): string {
  if (seconds >= 2 * DAY && seconds % DAY === 0) return plural(seconds / DAY, "day");
  const parts = [
    [Math.floor(seconds / HOUR), "hour"],
    [Math.floor((seconds % HOUR) / MINUTE), "minute"],
    [seconds % MINUTE, "second"],
  ] as const;
  const words = parts.filter(([n]) => n > 0).map(([n, unit]) => plural(n, unit));
  if (words.length === 0) return plural(0, "second");
  return words.length === 1 ? words[0]! : `${words.slice(0, -1).join(", ")} and ${words.at(-1)}`;
}
