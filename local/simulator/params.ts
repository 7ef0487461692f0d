/** Reading Konnektive request parameters the lenient way PHP does: empty means absent, numbers as text. */
import type { Params, SimEnvelope } from './types.js';

export const ok = (message: unknown): SimEnvelope => ({ result: 'SUCCESS', message });
export const fail = (message: string | Record<string, string>): SimEnvelope => ({ result: 'ERROR', message });

/** A parameter's trimmed value; empty or whitespace-only counts as not sent. */
export const str = (params: Params, name: string): string | undefined => {
  const value = params[name];
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
};

/** A non-negative integer written in decimal digits, else undefined. */
export const intOf = (value: string | undefined): number | undefined => {
  if (value === undefined || !/^\d{1,12}$/.test(value)) return undefined;
  return Number(value);
};

/** `1`/`true`/`yes` → true, `0`/`false`/`no` → false, anything else undefined. */
export const flagOf = (value: string | undefined): boolean | undefined => {
  if (value === undefined) return undefined;
  const v = value.toLowerCase();
  if (v === '1' || v === 'true' || v === 'yes') return true;
  if (v === '0' || v === 'false' || v === 'no') return false;
  return undefined;
};

/** A positive or zero money amount (`12`, `12.3`, `12.34`) in cents, else undefined. */
export const centsOf = (value: string | undefined): number | undefined => {
  if (value === undefined || !/^\d{1,9}(\.\d{1,2})?$/.test(value)) return undefined;
  const [whole = '0', fraction = ''] = value.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
};

/** Collects `field → text` validation failures (Konnektive's object-form ERROR message). */
export class FieldErrors {
  readonly errors: Record<string, string> = {};

  add(field: string, text: string): void {
    this.errors[field] ??= text;
  }

  require(params: Params, field: string): string | undefined {
    const value = str(params, field);
    if (value === undefined) this.add(field, 'is a required field');
    return value;
  }

  get empty(): boolean {
    return Object.keys(this.errors).length === 0;
  }
}

/** Masks a card-like number to its last 4 digits. */
export const maskLast4 = (value: string): string => {
  const digits = value.replace(/\D/g, '');
  return `${'*'.repeat(Math.max(0, Math.min(digits.length, 16) - 4))}${digits.slice(-4)}`;
};
