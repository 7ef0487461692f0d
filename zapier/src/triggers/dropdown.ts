import { isRecord } from '../json.js';

/** A dynamic-dropdown entry: the API's object with its id as a string (Zapier stores choices as text). */
export type DropdownItem = Record<string, unknown> & { id: string };

/**
 * Keeps the API's objects that have an id, with the id as a string: an entry without an id could not be chosen.
 * One without a name shows its id rather than a blank line.
 */
export const dropdownItems = (values: readonly unknown[]): DropdownItem[] =>
  values.flatMap((value) => {
    if (!isRecord(value)) return [];
    const { id, name } = value;
    if ((typeof id !== 'string' && typeof id !== 'number') || String(id) === '') return [];
    return [{ ...value, id: String(id), name: typeof name === 'string' && name !== '' ? name : String(id) }];
  });
