// The strength meter's estimate (zxcvbn-ts with the common-password list and
// keyboard layouts). Large (~400 kB with its dictionary): the meter imports
// this module only once someone starts typing a password.
import { ZxcvbnFactory } from "@zxcvbn-ts/core";
import { adjacencyGraphs, dictionary } from "@zxcvbn-ts/language-common";

const zxcvbn = new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs });

/** zxcvbn's warnings in words (the package ships keys; its English pack is not installed). */
const WARNINGS: Record<string, string> = {
  straightRow: "Straight rows of keys are easy to guess.",
  keyPattern: "Short keyboard patterns are easy to guess.",
  simpleRepeat: "Repeated characters like “aaa” are easy to guess.",
  extendedRepeat: "Repeated patterns like “abcabc” are easy to guess.",
  sequences: "Sequences like “abc” or “123” are easy to guess.",
  recentYears: "Recent years are easy to guess.",
  dates: "Dates are easy to guess.",
  topTen: "This is one of the most used passwords.",
  topHundred: "This is a very often used password.",
  common: "This is a commonly used password.",
  similarToCommon: "This is close to a commonly used password.",
  wordByItself: "Single words are easy to guess.",
  namesByThemselves: "Names on their own are easy to guess.",
  commonNames: "Common names are easy to guess.",
  userInputs: "Leave out your name and email address.",
};

export type Estimate = { score: 0 | 1 | 2 | 3 | 4; warning: string | null };

/** How hard the password is to guess (0–4), knowing the person's own words. */
export function estimate(password: string, ownWords: string[]): Estimate {
  const result = zxcvbn.check(password, ownWords);
  return { score: result.score, warning: WARNINGS[result.feedback.warning ?? ""] ?? null };
}
