/**
 * Small JSON helpers. The app cannot use zod: Zapier's build zips only the dependencies of zapier/package.json,
 * and it has none besides zapier-platform-core. So API answers are checked with these guards instead.
 */

/** A plain JSON object (not an array, not null). */
export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The value as a non-empty string, or undefined. */
export const nonEmptyString = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value : undefined;

/** An array of strings taken from `value`, or undefined when it is not a non-empty array of strings. */
export const stringArray = (value: unknown): string[] | undefined => {
  if (!Array.isArray(value)) return undefined;
  const strings = value.filter((item): item is string => typeof item === 'string' && item !== '');
  return strings.length > 0 ? strings : undefined;
};

/**
 * JSON with object keys sorted at every depth, so two equal values always serialize to the same text
 * (the input order Zapier hands us is not guaranteed). Arrays keep their order: line items are ordered.
 */
export const stableStringify = (value: unknown): string => JSON.stringify(sortKeys(value));

const sortKeys = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (isRecord(value)) {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const child = value[key];
      if (child !== undefined) sorted[key] = sortKeys(child);
    }
    return sorted;
  }
  return value;
};
