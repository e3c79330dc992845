// Free text (names, teacher-token notes) over real HTTP on tRPC and both seed
// APIs: lone surrogates, controls and bidi overrides are VALIDATION_FAILED and
// change nothing; what is accepted is stored NFC-normalised.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FREE_TEXT_REFUSED } from "@/shared/schemas/free-text";
import { freshEmail, logInAs, PASSWORD, seedUser } from "../support/accounts";
import { snapshot } from "../support/roles";
import { createTestApp, type TestApp } from "../support/test-app";

let app: TestApp;
let base: string;
let user: Awaited<ReturnType<typeof seedUser>>;
let token: string;
let adminToken: string;
beforeAll(async () => {
  app = await createTestApp();
  base = await app.httpUrl();
  user = await seedUser(app, { name: "Free Text" });
  token = await logInAs(app, user.email);
  const admin = await seedUser(app, { admin: true, name: "Ada Admin" });
  adminToken = await logInAs(app, admin.email);
});
afterAll(() => app.close());

async function send(method: string, path: string, body: unknown, bearer?: string) {
  const res = await fetch(base + path, {
    method,
    headers: { "content-type": "application/json", ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
    // JSON.stringify writes a lone surrogate as a "\ud800" escape, as a hostile client would.
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

/** The appCode and first `name`/`note` message of an answer, whichever API gave it. */
function refusal(path: string, body: any): { appCode: string | undefined; message: string | undefined } {
  if (path.startsWith("/api/trpc/")) {
    const data = body.error?.data;
    return { appCode: data?.appCode, message: (data?.fieldErrors?.name ?? data?.fieldErrors?.note)?.[0] };
  }
  if (path.startsWith("/api/user")) return { appCode: body.error?.code, message: body.error?.message };
  return { appCode: body.error ?? undefined, message: undefined };
}

const name = async () => (await app.db.user.findUniqueOrThrow({ where: { id: user.id }, select: { name: true } })).name;

describe("lone surrogates", () => {
  it.each([
    ["tRPC user.update", "POST", "/api/trpc/user.update", { name: "A\ud800B" }, "user"],
    ["tRPC user.update, a low half", "POST", "/api/trpc/user.update", { name: "\udc00" }, "user"],
    ["tRPC user.register", "POST", "/api/trpc/user.register", { email: freshEmail("ls"), password: PASSWORD, name: "\ud83d" }, null],
    ["tRPC session.create (email)", "POST", "/api/trpc/session.create", { email: "a\udfff@school.example", password: PASSWORD }, null],
    ["tRPC admin.createTeacherToken (note)", "POST", "/api/trpc/admin.createTeacherToken", { note: "Maths \ud800" }, "admin"],
    ["tRPC, in a key", "POST", "/api/trpc/user.update", { "na\ud800me": "x" }, "user"],
    ["seed 000 register", "POST", "/api/user/register", { email: freshEmail("ls0"), password: PASSWORD, name: "Zero\ud800" }, null],
    ["seed 000 update", "PATCH", "/api/user/update", { name: "Zero\udbff" }, "user"],
    [
      "seed 002 register",
      "POST",
      "/user/register",
      { email: freshEmail("ls2"), password: PASSWORD, name: "Two\udc01", teacher_token: null },
      null,
    ],
    ["seed 002 login", "POST", "/user/login", { email: "x\ud800@school.example", password: PASSWORD }, null],
  ])("%s: 400 VALIDATION_FAILED, nothing changed", async (_name, method, path, body, as) => {
    const before = await snapshot(app);
    const answer = await send(method, path, body, as === "user" ? token : as === "admin" ? adminToken : undefined);
    expect(answer.status).toBe(400);
    expect(refusal(path, answer.body).appCode).toBe("VALIDATION_FAILED");
    expect(await snapshot(app)).toEqual(before);
  });

  it("in a tRPC query's input: 400 VALIDATION_FAILED", async () => {
    const input = encodeURIComponent(JSON.stringify({ userId: "\ud800" }));
    const res = await fetch(`${base}/api/trpc/user.info?input=${input}`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.data.appCode).toBe("VALIDATION_FAILED");
  });
});

describe("controls and bidi overrides in names and notes", () => {
  const hidden = {
    "BEL (C0)": "\u0007",
    "ESC colour code": "\u001b[31m",
    tab: "\t",
    newline: "\n",
    DEL: "\u007f",
    "NEL (C1)": "\u0085",
    "CSI (C1)": "\u009b",
    "LRE U+202A": "\u202a",
    "RLE U+202B": "\u202b",
    "PDF U+202C": "\u202c",
    "LRO U+202D": "\u202d",
    "RLO U+202E": "\u202e",
    "LRI U+2066": "\u2066",
    "RLI U+2067": "\u2067",
    "FSI U+2068": "\u2068",
    "PDI U+2069": "\u2069",
    // Invisible characters: "Ad" + U+200B + "min" shows as "Admin" and is not found by searching "admin".
    "zero-width space U+200B": "\u200b",
    "word joiner U+2060": "\u2060",
    "invisible times U+2062": "\u2062",
    "zero-width no-break space U+FEFF": "\ufeff",
    "soft hyphen U+00AD": "\u00ad",
    "combining grapheme joiner U+034F": "\u034f",
    "Hangul filler U+3164": "\u3164",
    "Hangul choseong filler U+115F": "\u115f",
    "halfwidth Hangul filler U+FFA0": "\uffa0",
    "Khmer inherent vowel U+17B4": "\u17b4",
    "tag letter U+E0041": "\u{e0041}",
    "line separator U+2028": "\u2028",
    "paragraph separator U+2029": "\u2029",
    // Joiners, marks and selectors that scripts and emoji need, where none of them needs it.
    "zero-width joiner between Latin letters": "\u200d",
    "zero-width non-joiner between Latin letters": "\u200c",
    "left-to-right mark between Latin letters": "\u200e",
    "right-to-left mark between Latin letters": "\u200f",
    "Arabic letter mark between Latin letters": "\u061c",
    "emoji presentation selector after a Latin letter": "\ufe0f",
    "ideographic variation selector after a Latin letter": "\u{e0100}",
    "Mongolian vowel separator between Latin letters": "\u180e",
    "joiners piled up after an Arabic letter": "\u0627\u200d\u200d",
    "direction marks piled up after a Hebrew letter": "\u05d0\u200f\u200f",
    "two presentation selectors after an emoji": "\u2764\ufe0f\ufe0f",
    "a non-joiner after an emoji's selector": "\u2764\ufe0f\u200c",
    "a zero-width space after a black flag": "\u{1f3f4}\u200b",
    // Format characters that are not default-ignorable, yet show as nothing in browsers.
    "interlinear annotation anchor U+FFF9": "\ufff9",
    "interlinear annotation separator U+FFFA": "\ufffa",
    "interlinear annotation terminator U+FFFB": "\ufffb",
    "Egyptian hieroglyph format control U+13430": "\u{13430}",
    "Arabic number sign U+0600 between Latin letters": "\u0600",
    "Arabic end of ayah U+06DD": "\u06dd",
    "Syriac abbreviation mark U+070F": "\u070f",
    "Kaithi number sign U+110BD": "\u{110bd}",
    "language tag U+E0001": "\u{e0001}",
    "braille pattern blank U+2800": "\u2800",
    // Joiners and selectors where no script or emoji needs them.
    "a zero-width joiner after a Han ideograph": "山\u200d",
    "a zero-width non-joiner after a Hangul syllable": "김\u200c",
    "a zero-width joiner after Thai": "ก\u200d",
    "a non-joiner ending a Devanagari word": "राम\u200c ",
    "a joiner between an emoji and a letter": "🙂\u200d",
    "an emoji selector after a Han ideograph": "山\ufe0f",
    "an emoji selector after a digit that is no keycap": "1\ufe0f",
    "an emoji selector after a dollar sign": "$\ufe0f",
    "a non-joiner between two emoji": "😀\u200c😀",
    "a variation selector after an Arabic letter": "عل\ufe00ی",
    "a non-joiner after a pointed Arabic letter, before Latin": "كِ\u200c",
    "hair space U+200A": "\u200a",
    "thin space U+2009": "\u2009",
    "narrow no-break space U+202F": "\u202f",
  };
  it.each(Object.entries(hidden))("%s is refused by every API, with a message at the field", async (_label, char) => {
    const before = await snapshot(app);
    const text = `Ada${char}nimda`;
    const calls = [
      ["POST", "/api/trpc/user.update", { name: text }, token],
      ["POST", "/api/trpc/user.register", { email: freshEmail("ctl"), password: PASSWORD, name: text }, undefined],
      ["POST", "/api/trpc/admin.createTeacherToken", { note: text }, adminToken],
      ["PATCH", "/api/user/update", { name: text }, token],
      ["POST", "/user/register", { email: freshEmail("ctl2"), password: PASSWORD, name: text, teacher_token: null }, undefined],
    ] as const;
    for (const [method, path, body, bearer] of calls) {
      const answer = await send(method, path, body, bearer);
      expect(answer.status, path).toBe(400);
      const { appCode, message } = refusal(path, answer.body);
      expect(appCode, path).toBe("VALIDATION_FAILED");
      if (path.startsWith("/api/trpc/")) expect(message, path).toBe("Remove the invisible control or text-direction characters.");
      if (path.startsWith("/api/user")) expect(message, path).toContain(FREE_TEXT_REFUSED);
    }
    expect(await snapshot(app)).toEqual(before);
  });

  it("a name that is not text is refused with the field's own message", async () => {
    const before = await snapshot(app);
    const answer = await send("POST", "/api/trpc/user.update", { name: 42 }, token);
    expect(answer.status).toBe(400);
    expect(refusal("/api/trpc/user.update", answer.body)).toEqual({ appCode: "VALIDATION_FAILED", message: "Enter your name." });
    expect(await snapshot(app)).toEqual(before);
  });

  it("letters of every script, emoji (surrogate pairs) and right-to-left names are accepted", async () => {
    // Joiners, direction marks and variation selectors are part of how some names and emoji are written.
    for (const text of [
      "Zoë Ångström",
      "ليلى أحمد",
      "ليلى\u200f أحمد", // a right-to-left mark after Arabic
      "\u200fשרה כהן", // and before Hebrew
      "שרה\u200e 2B", // a left-to-right mark after Hebrew, before Latin
      "ليلى\u061c 12", // an Arabic letter mark after Arabic
      "مهر\u200cانگیز", // Persian: a zero-width non-joiner inside a name
      "क्\u200dष Kumar", // Devanagari: a zero-width joiner after a virama
      "张伟",
      "葛\u{e0100}城 Aoi", // an ideographic variation sequence
      "ᠮᠣᠩ\u180eᠭᠣᠯ", // a Mongolian vowel separator
      "Ada 🙂 Lovelace",
      "Sam 👩\u200d🏫", // an emoji ZWJ sequence
      "Kai 👩🏽\u200d🏫", // with a skin tone
      "Ada ❤\ufe0f\u200d🔥", // a selector then a joiner
      "Ada ❤\ufe0f Lovelace", // an emoji presentation selector
      "Team 1\ufe0f\u20e3", // a keycap
      "Team 🏴\u{e0067}\u{e0062}\u{e0073}\u{e0063}\u{e0074}\u{e007f}", // a flag written with tag characters
      "ശ്രീ\u200d ന്\u200d", // Malayalam: a joiner after a virama, one ending a word (a chillu)
      "علی\u200c رضا", // Persian: a non-joiner typed before a space (Shift+Space)
      "محمد\u200c", // and one ending the name
      "လျှော့", // Burmese: five marks on one consonant
      "Ada\u3000Lovelace", // an ideographic space between names
      "ශ්\u200dරී", // Sinhala: a joiner inside a conjunct
      "≩\ufe00", // a standardized variant of a mathematical symbol
      "🏳\ufe0f\u200d🌈", // a selector, then a joiner, inside an emoji sequence
      "👁\ufe0f\u200d🗨\ufe0f", // two selectors in one sequence
      "Ō'Brien-Smith Jr.",
    ]) {
      const answer = await send("POST", "/api/trpc/user.update", { name: text }, token);
      expect(answer.status, text).toBe(200);
      expect(await name()).toBe(text);
    }
  });
});

describe("names that show as nothing, or as a pile of marks", () => {
  it.each([
    ["only combining marks", "\u0301".repeat(100), "Write it with at least one letter, digit or symbol."],
    ["one combining mark", "\u0308", "Write it with at least one letter, digit or symbol."],
    ["marks around spaces", "\u0301 \u0302", "Write it with at least one letter, digit or symbol."],
    ["a hundred accents on one letter", `Ada${"\u0301".repeat(100)}`, "Remove the accents piled on one letter."],
    ["six accents on one letter", "Adx\u0301\u0302\u0303\u0304\u0306\u0307", "Remove the accents piled on one letter."],
    ["accents piled behind joiners", `क${"\u0301\u0302\u0303\u0304\u200d".repeat(19)}`, "Remove the accents piled on one letter."],
  ])("%s is refused by every API, with a message at the field", async (_label, text, message) => {
    const before = await snapshot(app);
    for (const [method, path, body, bearer] of [
      ["POST", "/api/trpc/user.update", { name: text }, token],
      ["POST", "/api/trpc/admin.createTeacherToken", { note: text }, adminToken],
      ["PATCH", "/api/user/update", { name: text }, token],
      ["POST", "/user/register", { email: freshEmail("marks"), password: PASSWORD, name: text, teacher_token: null }, undefined],
    ] as const) {
      const answer = await send(method, path, body, bearer);
      expect(answer.status, path).toBe(400);
      const refused = refusal(path, answer.body);
      expect(refused.appCode, path).toBe("VALIDATION_FAILED");
      if (path.startsWith("/api/trpc/")) expect(refused.message, path).toBe(message);
      if (path.startsWith("/api/user")) expect(refused.message, path).toContain(message);
    }
    expect(await snapshot(app)).toEqual(before);
  });

  it("scripts that stack marks as they are written are accepted", async () => {
    for (const text of [
      "Nguye\u0302\u0303n Thi\u0323", // Vietnamese, typed decomposed: stored composed
      "བསྒྲུབས་", // Tibetan: subjoined letters and a vowel below one another
      "क्षत्रिय", // Devanagari: viramas and vowel signs
      "שָׁלוֹם", // Hebrew with points
      "مُحَمَّد", // Arabic with a shadda and short vowels
      "ทิพย์", // Thai
      "-",
    ]) {
      const answer = await send("POST", "/api/trpc/user.update", { name: text }, token);
      expect(answer.status, text).toBe(200);
      expect(await name()).toBe(text.normalize("NFC"));
    }
  });
});

describe("NFC normalisation", () => {
  const decomposed = "Zoe\u0308 Ma\u0301rquez"; // "e" + combining diaeresis, "a" + combining acute
  const composed = "Zo\u00eb M\u00e1rquez";

  it("tRPC and seed 000 store names composed; the admin search finds them typed either way", async () => {
    expect(decomposed).not.toBe(composed);
    expect((await send("POST", "/api/trpc/user.update", { name: decomposed }, token)).status).toBe(200);
    expect(await name()).toBe(composed);
    await app.db.user.update({ where: { id: user.id }, data: { name: "Reset" } });
    expect((await send("PATCH", "/api/user/update", { name: `  ${decomposed}  ` }, token)).status).toBe(200);
    expect(await name()).toBe(composed);
    const found = await app.caller({ token: adminToken }).admin.listUsers({ query: "Zoe\u0308" });
    expect(found.items.map((u) => u.id)).toContain(user.id);
  });

  it("registration through seed 002 and teacher-token notes are stored composed", async () => {
    const email = freshEmail("nfc");
    expect((await send("POST", "/user/register", { email, password: PASSWORD, name: decomposed, teacher_token: null })).status).toBe(200);
    const login = await app.db.login.findUniqueOrThrow({ where: { email }, select: { user: { select: { name: true } } } });
    expect(login.user.name).toBe(composed);
    const created = await send("POST", "/api/trpc/admin.createTeacherToken", { note: decomposed }, adminToken);
    expect(created.status).toBe(200);
    const row = await app.db.teacherToken.findUniqueOrThrow({ where: { id: created.body.result.data.id }, select: { note: true } });
    expect(row.note).toBe(composed);
  });
});

describe("any name a client sends", () => {
  // Units that break things: lone surrogate halves, controls, bidi, combining marks, pairs.
  const unit = fc.oneof(
    fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
    fc.constantFrom(
      "\ud800",
      "\udbff",
      "\udc00",
      "\udfff",
      "\u0000",
      "\u0007",
      "\u0085",
      "\u202e",
      "\u2066",
      "\u200b",
      "\u200d",
      "\u200f",
      "\ufe0f",
      "\u2028",
      "\u3164",
      "\u0301",
      "\u0308",
      "🙂",
      " ",
      "\u3000",
    ),
  );
  const anyName = fc.string({ unit, maxLength: 12 });

  it.each([
    ["tRPC user.update", "POST", "/api/trpc/user.update"],
    ["seed 000 update", "PATCH", "/api/user/update"],
  ])("%s: never a 500; accepted names are stored NFC, trimmed and clean; refused ones change nothing", async (_label, method, path) => {
    await fc.assert(
      fc.asyncProperty(anyName, async (text) => {
        const previous = await name();
        const answer = await send(method, path, { name: text }, token);
        expect(answer.status).toBeLessThan(500);
        if (answer.status === 200) {
          const stored = await name();
          expect(stored).toBe(text.normalize("NFC").trim());
          // biome-ignore lint/suspicious/noControlCharactersInRegex: the test looks for control characters
          expect(stored).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u200b\u2028\u3164]/);
          expect(stored).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
        } else {
          expect(refusal(path, answer.body).appCode).toBe("VALIDATION_FAILED");
          expect(await name()).toBe(previous);
        }
      }),
      { numRuns: 60, seed: 20261123 },
    );
  });
});
