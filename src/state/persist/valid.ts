/**
 * The pieces every stored-data reader is built from (valibot schemas). What comes back from IndexedDB was
 * written by this studio, an older one, or damaged by hand, so nothing is taken on trust: a field that does
 * not read back falls back to its default, a damaged entry of a list or map is dropped, and fields the type
 * does not name are not carried into the live state. One bad value never costs the others.
 */
import * as v from 'valibot';

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** An object that is not an array or null (what `JSON.parse` gives for `{…}`). */
export const plainObject = v.custom<Record<string, unknown>>(isPlainObject);

export const finiteNumber = v.pipe(v.number(), v.finite());
export const wholeNumberFrom = (min: number) => v.pipe(v.number(), v.integer(), v.minValue(min));

export const errorInfo = v.object({ name: v.string(), message: v.string() });

/** An optional field: absent stays absent, a value of the wrong type reads as absent. */
export const optionalField = <S extends v.GenericSchema>(schema: S) =>
  v.fallback(v.optional(schema), undefined);

/** `schema`'s output for each item that reads back; the others are dropped. */
function readable<S extends v.GenericSchema>(schema: S, value: unknown): [v.InferOutput<S>] | [] {
  const result = v.safeParse(schema, value);
  return result.success ? [result.output] : [];
}

/**
 * Any value, a missing key included (read as null). valibot gives a missing key its fallback without running
 * the steps after it, so a reader that must see every value (to choose its own default) starts from this.
 */
const anyValue = v.optional(v.unknown(), null);

/** A list whose damaged items are dropped; anything but an array reads as empty. */
export const listOf = <S extends v.GenericSchema>(item: S) =>
  v.pipe(
    anyValue,
    v.transform((items) => (Array.isArray(items) ? items.flatMap((x) => readable(item, x)) : [])),
  );

/** A map (string keys) whose damaged entries are dropped; anything but an object reads as empty. */
export const mapOf = <S extends v.GenericSchema>(item: S) =>
  v.pipe(
    anyValue,
    v.transform((entries): Record<string, v.InferOutput<S>> => {
      const out: Record<string, v.InferOutput<S>> = {};
      if (!isPlainObject(entries)) return out;
      for (const [key, value] of Object.entries(entries)) {
        for (const read of readable(item, value)) out[key] = read;
      }
      return out;
    }),
  );

/** An object read by `schema` field by field; anything but an object (or nothing) reads as `{}`. */
export const objectOrEmpty = <S extends v.GenericSchema>(schema: S) =>
  v.pipe(
    anyValue,
    v.transform((value) => (isPlainObject(value) ? value : {})),
    schema,
  );

/** A flag that only a stored `true` sets (these flags were always read as `value === true`). */
export const onlyTrue = v.pipe(
  anyValue,
  v.transform((value) => value === true),
);

/** `value` through `read` (the owner's own reader), a missing key included (as null). */
export const readWith = <T>(read: (value: unknown) => T) => v.pipe(anyValue, v.transform(read));

/** `value` read by `schema`, or null when it does not read back (the caller drops it). */
export function readOrNull<S extends v.GenericSchema>(schema: S, value: unknown): v.InferOutput<S> | null {
  const result = v.safeParse(schema, value);
  return result.success ? result.output : null;
}
