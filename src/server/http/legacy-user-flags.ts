// The legacy User API (/user, seed document 002) spells each flag in snake case (`privileged_student`) and types
// `report_spammer` as 0 or 1 in /user/info. Its fields, their schemas and the
// mapping both ways are built from FLAG_NAMES, so no flag is retyped here.
import { z } from "zod";
import { byFlag, FLAG_NAMES, type FlagName, type Flags } from "@/shared/permissions";

/** "privilegedStudent" → "privileged_student", as a type. */
type SnakeCase<S extends string> = S extends `${infer C}${infer Rest}`
  ? `${C extends Lowercase<C> ? C : `_${Lowercase<C>}`}${SnakeCase<Rest>}`
  : S;
type LegacyFlagField = SnakeCase<FlagName>;

function fieldOf<F extends FlagName>(flag: F): SnakeCase<F> {
  return flag.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`) as SnakeCase<F>;
}

/** One entry per flag, under its seed-002 field name. */
function byField<V>(value: (flag: FlagName) => V): Record<LegacyFlagField, V> {
  return Object.fromEntries(FLAG_NAMES.map((flag) => [fieldOf(flag), value(flag)])) as Record<LegacyFlagField, V>;
}

/** The flags /user/info gives as a number, 0 or 1, as the seed types them. */
const NUMBERS_IN_INFO: ReadonlySet<FlagName> = new Set(["reportSpammer"]);

/** /user/info's flag fields. */
export const infoFlagsShape = byField((flag) => (NUMBERS_IN_INFO.has(flag) ? z.number().int().min(0).max(1) : z.boolean()));

/** /user/info's flag fields when it answers an error. */
export const noInfoFlags = byField((flag) => (NUMBERS_IN_INFO.has(flag) ? 0 : false));

export function toInfoFlags(flags: Flags): Record<LegacyFlagField, boolean | number> {
  return byField((flag) => (NUMBERS_IN_INFO.has(flag) ? Number(flags[flag]) : flags[flag]));
}

/**
 * /user/update's flag fields: null (or absent) leaves a flag as it is. The
 * seed types them Boolean; one that /user/info gives as 0 or 1 is taken that
 * way too, so a client may send back what it was shown.
 */
export const updateFlagsShape = byField((flag) =>
  NUMBERS_IN_INFO.has(flag)
    ? z
        .union([z.boolean(), z.literal(0), z.literal(1)])
        .nullish()
        .transform((value) => (typeof value === "number" ? value === 1 : value))
    : z.boolean().nullish(),
);

export function fromUpdateFlags(input: Partial<Record<LegacyFlagField, boolean | null>>): Partial<Record<FlagName, boolean | null>> {
  return byFlag((flag) => input[fieldOf(flag)]);
}
