// Text people write for other people to read (names, notes): one line of
// visible characters, stored in Unicode's composed form (NFC) so that "é"
// typed as one character or as "e" + accent is the same name, found by the
// same search. Controls would corrupt logs and layouts; bidi overrides make
// text display in another order than it is stored ("Ada" + U+202E + "nimda"
// shows as "Adaadmin"); lone surrogates cannot be stored at all.
import { z } from "zod";

/** A UTF-16 surrogate half without its partner (not a character). */
export const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** C0 and C1 controls with DEL, and the bidi embeddings, overrides and isolates. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is this pattern's purpose
const HIDDEN_CONTROLS = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;

export const FREE_TEXT_REFUSED = "Remove the invisible control or text-direction characters.";

/** Whether people-written text holds nothing invisible that changes how it reads. */
function isCleanFreeText(text: string): boolean {
  return !HIDDEN_CONTROLS.test(text) && !LONE_SURROGATE.test(text);
}

/**
 * A free-text field: NFC-normalised, trimmed, refusing controls, bidi
 * overrides and lone surrogates. Chain .min() and .max() for its bounds.
 */
export function freeTextSchema(missing: string) {
  return z.string({ error: missing }).normalize("NFC").trim().refine(isCleanFreeText, { error: FREE_TEXT_REFUSED });
}
