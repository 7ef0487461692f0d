import type { Bundle, PlainInputField, ZObject } from 'zapier-platform-core';
import { apiUrl } from '../config.js';
import { normalizeValue } from '../creates/action.js';
import { isRecord } from '../json.js';

/** A search over one of our API's lookup routes (`GET /orders`, `GET /customers`). */
export interface SearchSpec {
  /** The API path, e.g. `/orders`. */
  path: string;
  /** The inputs, sent as query parameters; at least one must be filled in. */
  fields: readonly PlainInputField[];
  /** What the records are, for messages ("orders"). */
  plural: string;
}

/** The email and phone inputs both searches take; `atLeastOne` says which inputs may stand alone. */
export const contactSearchFields = (atLeastOne: string): PlainInputField[] => [
  {
    key: 'emailAddress',
    label: 'Email Address',
    type: 'string',
    required: false,
    helpText: `The customer's email address, matched exactly. ${atLeastOne}`,
  },
  {
    key: 'phoneNumber',
    label: 'Phone Number',
    type: 'string',
    required: false,
    helpText: `The customer's phone number as stored in Konnektive. ${atLeastOne}`,
  },
];

/** "A, B or C" from the fields' labels. */
const alternatives = (fields: readonly PlainInputField[]): string => {
  const labels = fields.map((field) => field.label ?? field.key);
  return labels.length > 1 ? `${labels.slice(0, -1).join(', ')} or ${labels.at(-1)}` : (labels[0] ?? '');
};

/**
 * The `perform` of a search: `GET <path>?<filled inputs>` and the API's `results` (newest first; Zapier uses the
 * first). No match is an empty list, not an error. With no input filled in (say every mapped field was empty in
 * this run) the search stops with a message instead of asking the API for nothing.
 */
export const searchPerform =
  ({ path, fields, plural }: SearchSpec) =>
  async (z: ZObject, bundle: Bundle): Promise<Record<string, unknown>[]> => {
    const params: Record<string, string> = {};
    for (const field of fields) {
      const value = normalizeValue('string', bundle.inputData?.[field.key]);
      if (typeof value === 'string') params[field.key] = value;
    }
    if (Object.keys(params).length === 0) {
      throw new z.errors.Error(
        `Fill in ${alternatives(fields)} to search ${plural} by (the mapped values were empty).`,
        'SEARCH_INPUT_MISSING',
        400,
      );
    }
    const response = await z.request({ url: apiUrl(path), params });
    const results = isRecord(response.data) ? response.data.results : undefined;
    if (!Array.isArray(results)) {
      throw new z.errors.Error(`The Konnektive service did not return ${plural}.`, 'BAD_RESPONSE', 502);
    }
    return results.filter(isRecord);
  };
