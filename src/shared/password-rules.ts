// What makes a chosen password guessable without any list (NIST SP 800-63B
// 3.1.1.2): nothing but spaces, one character or a short group repeated, a
// simple sequence (alphabet, digits, keyboard rows and columns), or the
// person's own name or email address. Pure, so the pages give the same answer
// as the server while someone types; the server adds the common-password list
// (src/server/auth/password-policy.ts).

/** What the password must not be built from: the person's own details. */
export type PasswordContext = { emails?: (string | null | undefined)[]; names?: (string | null | undefined)[] };

export const PASSWORD_PROBLEMS = {
  blank: "A password cannot be only spaces.",
  repeated: "Do not repeat one character or a short group of characters (like “aaaa” or “abcabc”).",
  sequence: "Avoid simple sequences like “abcdef”, “123456” or keyboard rows like “qwerty”.",
  name: "Do not use your name in your password.",
  email: "Do not use your email address, or part of it, in your password.",
} as const;

/** A unit repeated to fill the password is refused up to this length ("abab…", "abcdabcd…"). */
const MAX_REPEATED_UNIT = 4;

/**
 * A word from the name or address is refused anywhere in the password from
 * this length; a shorter one ("Ann", "Tom") only standing as a word of its own,
 * so that "Tom" does not refuse "bottom of the garden".
 */
const CONTEXT_SUBSTRING_MIN = 4;
const CONTEXT_WORD_MIN = 3;

const repeatToCover = (text: string) => text.repeat(Math.ceil(300 / text.length));

/**
 * Orders people type in. Cyclic ones are repeated so that wrapping runs
 * ("7890123456") are found; each is checked forwards and backwards.
 */
const SEQUENCES = [
  repeatToCover("abcdefghijklmnopqrstuvwxyz"),
  repeatToCover("0123456789"),
  // Keyboard rows read left to right, top to bottom, with and without punctuation.
  "`1234567890-=qwertyuiop[]\\asdfghjkl;'zxcvbnm,./",
  "1234567890qwertyuiopasdfghjklzxcvbnm",
  "1234567890qwertzuiopasdfghjklyxcvbnm",
  "1234567890azertyuiopqsdfghjklmwxcvbn",
  // Keyboard columns, top to bottom and bottom to top.
  "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik,9ol.0p;/",
  "qazwsxedcrfvtgbyhnujmikolp",
  "zaq1xsw2cde3vfr4bgt5nhy6mju7,ki8.lo9/;p0",
  // Number pads, row by row.
  repeatToCover("789456123"),
  repeatToCover("123456789"),
];
const REVERSED = SEQUENCES.map((s) => [...s].reverse().join(""));

/** Lower case in compatibility form, so "Ａｄａ" and "ada" compare equal. */
const fold = (text: string) => text.normalize("NFKC").toLowerCase();

/** The shortest unit whose repetition makes up the text (the text itself when none). */
function repeatingUnit(text: string): string {
  for (let size = 1; size <= text.length / 2; size++) {
    if (text.length % size === 0 && text.slice(0, size).repeat(text.length / size) === text) return text.slice(0, size);
  }
  return text;
}

function isSequence(text: string): boolean {
  return text.length >= 3 && (SEQUENCES.some((s) => s.includes(text)) || REVERSED.some((s) => s.includes(text)));
}

/** Words of a name or address part: runs of letters and digits holding a letter. */
function words(text: string): string[] {
  return fold(text)
    .split(/[^\p{L}\p{N}]+/u)
    .flatMap((w) => w.split(/(?<=\p{L})(?=\p{N})|(?<=\p{N})(?=\p{L})/u))
    .filter((w) => /\p{L}/u.test(w));
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function usesWord(password: string, word: string): boolean {
  if (word.length >= CONTEXT_SUBSTRING_MIN) return password.includes(word);
  if (word.length < CONTEXT_WORD_MIN) return false;
  return new RegExp(`(?<!\\p{L})${escapeRegExp(word)}(?!\\p{L})`, "u").test(password);
}

/** The address's local part as a whole, and its words ("ada.lovelace90" → ada, lovelace). */
function emailWords(email: string): string[] {
  const local = fold(email).replace(/@[^@]*$/, "");
  return [local, ...words(local)];
}

/** Why this password would be easy to guess, or null. Length is checked by the schema. */
export function passwordProblem(password: string, context: PasswordContext = {}): string | null {
  if (!password.trim()) return PASSWORD_PROBLEMS.blank;
  const folded = fold(password);
  const unit = repeatingUnit(folded);
  if (unit.length <= MAX_REPEATED_UNIT && unit.length < folded.length) return PASSWORD_PROBLEMS.repeated;
  if (isSequence(unit)) return PASSWORD_PROBLEMS.sequence;
  for (const name of context.names ?? []) {
    if (name && words(name).some((w) => usesWord(folded, w))) return PASSWORD_PROBLEMS.name;
  }
  for (const email of context.emails ?? []) {
    if (email && emailWords(email).some((w) => usesWord(folded, w))) return PASSWORD_PROBLEMS.email;
  }
  return null;
}
