// How the admin user search compares text: accents and case are ignored, by
// one fold that both databases apply to the stored names and addresses and
// this module applies to the search text (docs/search.md).

/** The combining-mark blocks that the fold drops (the same list in the PostgreSQL migration's search_fold). */
const COMBINING_MARKS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g;

/** NFKD, without combining marks, lower case: "José" and "JOSE" both give "jose". */
export function foldSearchText(text: string): string {
  return text.normalize("NFKD").replace(COMBINING_MARKS, "").toLowerCase();
}

/** Shorter searches match the start of a word; longer ones any substring. */
export const SUBSTRING_MIN_LENGTH = 3;

/** A word: letters and digits (what both databases' word-prefix indexes split on). */
export const WORD = /^[\p{L}\p{N}]+$/u;
