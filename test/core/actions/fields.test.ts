import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  optionalBoolean,
  optionalCardMonth,
  optionalCardYear,
  optionalCountry,
  optionalDate,
  optionalDigits,
  optionalMoney,
  parseDateValue,
  productsField,
  requiredId,
  requiredText,
} from '../../../functions/core/actions/fields.js';

const one = <S extends z.ZodType>(schema: S) => z.object({ v: schema });
const parse = <S extends z.ZodType>(schema: S, v: unknown) =>
  one(schema).safeParse(v === undefined ? {} : { v });
const value = <S extends z.ZodType>(schema: S, v: unknown): unknown => {
  const result = parse(schema, v);
  if (!result.success) throw new Error(`expected success: ${result.error.issues[0]?.message}`);
  return (result.data as { v: unknown }).v;
};
const message = <S extends z.ZodType>(schema: S, v: unknown): string | undefined => {
  const result = parse(schema, v);
  return result.success ? undefined : result.error.issues[0]?.message;
};

describe('Zapier-tolerant fields', () => {
  it('treats empty, blank and null values as absent, and says "is required" when the field is required', () => {
    for (const blank of ['', '   ', null, undefined]) {
      expect(value(optionalMoney(), blank)).toBeUndefined();
      expect(message(requiredText(10), blank)).toBe('is required');
      expect(message(requiredId(), blank)).toBe('is required');
    }
  });

  it('trims text and enforces its length', () => {
    expect(value(requiredText(5), '  abc  ')).toBe('abc');
    expect(value(requiredText(5), 12345)).toBe('12345');
    expect(message(requiredText(5), 'abcdef')).toBe('must be at most 5 characters');
    expect(message(requiredText(5), true)).toBe('must be text');
  });

  it('reads ids from numbers and digit strings', () => {
    expect(value(requiredId(), '42')).toBe(42);
    expect(value(requiredId(), 42)).toBe(42);
    expect(message(requiredId(), 'abc')).toBe('must be a positive whole number');
    expect(message(requiredId(), 0)).toBe('must be a positive whole number');
    expect(message(requiredId(), -3)).toBe('must be a positive whole number');
  });

  it('formats money as a 2-decimal string, from numbers or strings', () => {
    expect(value(optionalMoney(), '12.5')).toBe('12.50');
    expect(value(optionalMoney(), 12.5)).toBe('12.50');
    expect(value(optionalMoney(), '7')).toBe('7.00');
    expect(value(optionalMoney(), 0)).toBe('0.00');
    expect(message(optionalMoney(), '$12')).toMatch(/amount like 12.50/);
    expect(message(optionalMoney(), '-1')).toMatch(/amount like 12.50/);
    expect(message(optionalMoney(), '1.234')).toMatch(/amount like 12.50/);
  });

  it('money: any cent amount round-trips through number and string input (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99_999_999 }), (cents) => {
        const expected = (cents / 100).toFixed(2);
        expect(value(optionalMoney(), cents / 100)).toBe(expected);
        expect(value(optionalMoney(), expected)).toBe(expected);
      }),
    );
  });

  it('reads booleans the way Zapier users write them', () => {
    for (const yes of [true, 'true', 'TRUE', 'yes', 'Yes', 1, '1', 'y', 'on']) {
      expect(value(optionalBoolean(), yes)).toBe(true);
    }
    for (const no of [false, 'false', 'no', 'NO', 0, '0', 'n', 'off']) {
      expect(value(optionalBoolean(), no)).toBe(false);
    }
    expect(value(optionalBoolean(), '')).toBeUndefined();
    expect(message(optionalBoolean(), 'maybe')).toMatch(/true or false/);
  });

  it('upper-cases 2-letter countries and refuses other forms', () => {
    expect(value(optionalCountry(), ' us ')).toBe('US');
    expect(message(optionalCountry(), 'USA')).toMatch(/2-letter ISO country code/);
    expect(message(optionalCountry(), 'United States')).toMatch(/2-letter/);
  });

  it('card fields: digits only after removing spaces/dashes, months padded, 2-digit years expanded', () => {
    const card = optionalDigits(12, 19, 'a card number');
    expect(value(card, '4111 1111-1111 1111')).toBe('4111111111111111');
    expect(message(card, '4111 1111')).toBe('must be 12–19 digits');
    expect(message(card, '4111x11111111111')).toBe('must be 12–19 digits');
    expect(value(optionalCardMonth(), 3)).toBe('03');
    expect(value(optionalCardMonth(), '12')).toBe('12');
    expect(message(optionalCardMonth(), '13')).toBe('must be a month 01–12');
    expect(value(optionalCardYear(), '29')).toBe('2029');
    expect(value(optionalCardYear(), 2031)).toBe('2031');
    expect(message(optionalCardYear(), '1999')).toBe('must be a year as YYYY or YY');
  });

  it('never echoes the rejected value of a card field in its message', () => {
    const secret = '4111-1111-1111-11112222';
    const result = parse(optionalDigits(12, 19, 'a card number'), secret);
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).not.toContain('41111111');
    expect(JSON.stringify(result.error?.issues)).not.toContain('4111-1111');
  });

  it('parses MM/DD/YYYY, YYYY-MM-DD and ISO date-times', () => {
    expect(parseDateValue('11/05/2026')).toEqual({ kind: 'date', year: 2026, month: 11, day: 5 });
    expect(parseDateValue('1/5/2026')).toEqual({ kind: 'date', year: 2026, month: 1, day: 5 });
    expect(parseDateValue('2026-11-05')).toEqual({ kind: 'date', year: 2026, month: 11, day: 5 });
    expect(parseDateValue('2026-11-05T10:00:00')).toEqual({ kind: 'date', year: 2026, month: 11, day: 5 });
    expect(parseDateValue('2026-11-05T03:00:00Z')).toEqual({
      kind: 'instant',
      iso: '2026-11-05T03:00:00.000Z',
    });
    expect(parseDateValue('2026-11-05T03:00:00+02:00')).toEqual({
      kind: 'instant',
      iso: '2026-11-05T01:00:00.000Z',
    });
    expect(parseDateValue('02/30/2026')).toBeUndefined();
    expect(parseDateValue('yesterday')).toBeUndefined();
    expect(message(optionalDate(), 'yesterday')).toMatch(/MM\/DD\/YYYY/);
  });

  it('products: a list (or one object) of lines, qty defaulting to 1, blank rows dropped', () => {
    expect(value(productsField(), [{ id: '101', qty: '2', price: '9.5' }, { id: 102 }])).toEqual([
      { id: 101, qty: 2, price: '9.50', shipPrice: undefined },
      { id: 102, qty: 1, price: undefined, shipPrice: undefined },
    ]);
    expect(value(productsField(), { id: 7, shipPrice: 1 })).toEqual([
      { id: 7, qty: 1, price: undefined, shipPrice: '1.00' },
    ]);
    expect(value(productsField(), [{ id: '', qty: '' }, { id: 3 }])).toHaveLength(1);
    expect(value(productsField(), undefined)).toEqual([]);
    const bad = parse(productsField(), [{ id: 101, qty: 0 }, { qty: 1 }]);
    expect(bad.success).toBe(false);
    const paths = bad.error?.issues.map((issue) => issue.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['v.0.qty', 'v.1.id']));
  });
});
