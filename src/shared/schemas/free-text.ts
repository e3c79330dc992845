// Text people write for other people to read (names, notes): one line of
// visible characters, stored in Unicode's composed form (NFC) so that "é"
// typed as one character or as "e" + accent is the same name, found by the
// same search. Controls would corrupt logs and layouts; bidi overrides make
// text display in another order than it is stored ("Ada" + U+202E + "nimda"
// shows as "Adaadmin"); characters that display as nothing make two names look
// alike; lone surrogates cannot be stored at all.
import { z } from "zod";

/** A UTF-16 surrogate half without its partner (not a character). */
export const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** C0 and C1 controls with DEL, the bidi embeddings, overrides and isolates, and the line and paragraph separators. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is this pattern's purpose
const HIDDEN_CONTROLS = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\u2028\u2029]/;

/**
 * Characters that display as nothing (Unicode's default-ignorable code
 * points: zero-width spaces and joiners, direction marks, fillers, variation
 * selectors, tags; and every format character, some of which are not
 * default-ignorable yet show as nothing in browsers: U+FFF9 interlinear
 * annotations, U+13430 Egyptian format controls, U+0600 Arabic number signs):
 * "Ad" + U+200B + "min" shows as "Admin" and is not found by
 * searching "admin". Each is refused unless it stands where a writing system
 * or an emoji needs it (invisibleAllowed).
 */
// U+2800 (braille pattern blank) is a symbol that shows as nothing: a name of it alone looked empty.
// The thin and typographic spaces (U+2000-U+200A, U+202F, U+205F) all but vanish: "Ad" + U+200A + "min".
const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\p{Cf}\u2800\u2000-\u200A\u202F\u205F]/u;
const INVISIBLES = new RegExp(INVISIBLE.source, "gu");

// Only Unicode properties that every browser with property escapes (ES2018)
// knows: this schema also runs in the pages, where an unknown one would stop
// the page's script.
/**
 * Letters of the scripts that shape with zero-width (non-)joiners: Arabic
 * and its relatives, Mongolian, and the Brahmic scripts of South and
 * South-East Asia. Next to any other letter (Latin, Han, Hangul, Thai…) a
 * joiner changes nothing it shows, and only hides.
 */
const JOINING_LETTER =
  /[\p{Script=Arabic}\p{Script=Syriac}\p{Script=Nko}\p{Script=Mongolian}\p{Script=Devanagari}\p{Script=Bengali}\p{Script=Gurmukhi}\p{Script=Gujarati}\p{Script=Oriya}\p{Script=Tamil}\p{Script=Telugu}\p{Script=Kannada}\p{Script=Malayalam}\p{Script=Sinhala}\p{Script=Myanmar}\p{Script=Khmer}]/u;
const LETTER = /\p{L}/u;
const MARK = /\p{M}/u;
/** Persian and Urdu keyboards type a non-joiner before a space (Shift+Space): allowed at a word's end after Arabic letters. */
const ARABIC_LETTER = /\p{Script=Arabic}/u;
const RIGHT_TO_LEFT_LETTER =
  /[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}\p{Script=Samaritan}\p{Script=Mandaic}]/u;
/** Emoji and emoji modifiers (skin tones); the digits, # and * have the property too, for keycaps. */
const EMOJI = /\p{Emoji}/u;
const TAG = /[\u{E0020}-\u{E007F}]/u;

const letterOfJoiningScript = (c: string | undefined) => c !== undefined && LETTER.test(c) && JOINING_LETTER.test(c);
const rightToLeft = (c: string | undefined) => c !== undefined && RIGHT_TO_LEFT_LETTER.test(c);
/** The digits, # and *: emoji only as keycaps (with U+20E3). */
const KEYCAP_BASE = /[0-9#*]/;
const emojiInSequence = (c: string | undefined) => c !== undefined && EMOJI.test(c) && !KEYCAP_BASE.test(c);

/**
 * Where an invisible character is part of how text is written, judged by the
 * character it follows (combining marks skipped: `base`) or, for a direction
 * mark, also the one after it:
 * - zero-width (non-)joiners after a letter of a script that shapes with them
 *   (Arabic, Persian, the Indic scripts…), before another of its letters or
 *   marks, or at a word's end after an Arabic letter or a virama (a Malayalam
 *   chillu); a joiner between two emoji of a sequence (👩‍🏫);
 * - direction marks (LRM, RLM, ALM) next to right-to-left letters;
 * - the emoji and text presentation selectors after an emoji (❤️; a digit,
 *   # or * only as a keycap, 1️⃣); the other variation selectors after a Han
 *   ideograph, a mathematical symbol or a Myanmar letter (their standardized
 *   variants); ideographic variation selectors after an ideograph;
 * - Mongolian's own selectors and vowel separator after Mongolian;
 * - tag characters in a flag sequence (🏴 + tags + cancel tag).
 */
function invisibleAllowed(c: string, base: string | undefined, previous: string | undefined, next: string | undefined): boolean {
  if (c === "\u200C" || c === "\u200D") {
    if (letterOfJoiningScript(base)) {
      if (letterOfJoiningScript(next) || (next !== undefined && MARK.test(next))) return true;
      // At a word's end: after an Arabic letter (Persian, Urdu), or after a virama (a Malayalam chillu).
      const wordEnd = next === undefined || /\s/u.test(next);
      return wordEnd && (ARABIC_LETTER.test(base!) || (previous !== undefined && MARK.test(previous)));
    }
    return c === "\u200D" && emojiInSequence(base) && emojiInSequence(next);
  }
  if (c === "\u200E" || c === "\u200F" || c === "\u061C") return rightToLeft(base) || rightToLeft(next);
  if (c === "\uFE0E" || c === "\uFE0F") return base !== undefined && EMOJI.test(base) && (!KEYCAP_BASE.test(base) || next === "\u20E3");
  if (/[\uFE00-\uFE0D]/u.test(c)) return base !== undefined && /[\p{Script=Han}\p{Sm}\p{Script=Myanmar}]/u.test(base);
  if (/[\u{E0100}-\u{E01EF}]/u.test(c)) return base !== undefined && /\p{Ideographic}/u.test(base);
  if (/[\u180B-\u180F]/u.test(c)) return base !== undefined && /\p{Script=Mongolian}/u.test(base);
  if (TAG.test(c)) return previous === "\u{1F3F4}" || (previous !== undefined && TAG.test(previous));
  return false;
}

/** Whether every invisible character of the text stands where a script or an emoji needs it. */
function invisiblesInPlace(text: string): boolean {
  if (!INVISIBLE.test(text)) return true;
  const chars = [...text];
  let base: string | undefined;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (INVISIBLE.test(c)) {
      if (!invisibleAllowed(c, base, chars[i - 1], chars[i + 1])) return false;
      // Two in a row only where sequences need them: a selector then a joiner (❤️‍🔥), or a flag's tags.
      const previous = chars[i - 1];
      if (previous !== undefined && INVISIBLE.test(previous) && !TAG.test(c) && !(/[\uFE00-\uFE0F]/u.test(previous) && c === "\u200D"))
        return false;
    } else if (!/\p{M}/u.test(c)) {
      base = c;
    }
  }
  return true;
}

export const FREE_TEXT_REFUSED = "Remove the invisible control or text-direction characters.";
export const FREE_TEXT_NOTHING_VISIBLE = "Write it with at least one letter, digit or symbol.";
export const FREE_TEXT_PILED_MARKS = "Remove the accents piled on one letter.";

/** Something that shows: a letter, digit, symbol or punctuation (combining marks alone show as nothing or as a smear). */
const VISIBLE = /[\p{L}\p{N}\p{S}\p{P}]/u;
/**
 * More combining marks in a row than any script writes on one letter (Burmese
 * and Sanskrit in Tibetan script write five, Vietnamese two): a pile of a
 * hundred accents spills over the names above and below it.
 */
const PILED_MARKS = /\p{M}{6}/u;

/** Whether people-written text holds nothing invisible that changes how it reads. */
function isCleanFreeText(text: string): boolean {
  return !HIDDEN_CONTROLS.test(text) && !LONE_SURROGATE.test(text) && invisiblesInPlace(text);
}

/**
 * A free-text field: NFC-normalised, trimmed, refusing controls, bidi
 * overrides, invisible characters out of place, lone surrogates, text with
 * nothing visible and accents piled on one letter. Chain
 * .min() and .max() for its bounds.
 */
export function freeTextSchema(missing: string) {
  return (
    z
      .string({ error: missing })
      .normalize("NFC")
      .trim()
      .refine(isCleanFreeText, { error: FREE_TEXT_REFUSED })
      // Empty text is the bounds' to judge (.min()): it has its own message.
      .refine((text) => text === "" || VISIBLE.test(text), { error: FREE_TEXT_NOTHING_VISIBLE })
      // Joiners and selectors between marks do not break a pile: counted without them.
      .refine((text) => !PILED_MARKS.test(text.replace(INVISIBLES, "")), { error: FREE_TEXT_PILED_MARKS })
  );
}
