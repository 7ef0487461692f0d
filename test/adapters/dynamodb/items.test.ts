import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { StoreError } from '../../../functions/adapters/dynamodb/errors.js';
import { decodeItem, parseItem, parseOldItem } from '../../../functions/adapters/dynamodb/items.js';

const context = { operation: 'Test.op', tableName: 'test-table' };

describe('decodeItem', () => {
  it('decodes the attribute types our items use, nested', () => {
    expect(
      decodeItem({
        s: { S: 'text' },
        empty: { S: '' },
        n: { N: '-12.5' },
        yes: { BOOL: true },
        nothing: { NULL: true },
        map: { M: { inner: { N: '1' }, list: { L: [{ S: 'a' }, { BOOL: false }] } } },
      }),
    ).toEqual({
      s: 'text',
      empty: '',
      n: -12.5,
      yes: true,
      nothing: null,
      map: { inner: 1, list: ['a', false] },
    });
  });

  it('refuses attribute types that never occur in our tables', () => {
    expect(() => decodeItem({ set: { SS: ['a'] } })).toThrow(/Unsupported DynamoDB attribute type: SS/);
  });
});

describe('parseItem / parseOldItem', () => {
  const schema = z.object({ name: z.string(), count: z.number() });

  it('returns the parsed item', () => {
    expect(parseItem(schema, { name: 'x', count: 1, extra: true }, context)).toEqual({ name: 'x', count: 1 });
    expect(parseOldItem(schema, { name: { S: 'x' }, count: { N: '2' } }, context)).toEqual({
      name: 'x',
      count: 2,
    });
  });

  it('reports a malformed item by path and code only, never its values', () => {
    const error = (() => {
      try {
        return parseItem(schema, { name: 'FAKE-SECRET-VALUE', count: 'not-a-number' }, context);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({
      retryable: false,
      message: expect.stringContaining('count: invalid_type'),
    });
    expect(String(error)).not.toContain('not-a-number');
  });

  it('reports a missing old item and an undecodable one as StoreErrors', () => {
    expect(() => parseOldItem(schema, undefined, context)).toThrow(StoreError);
    expect(() =>
      parseOldItem(schema, { name: { B: new Uint8Array([1]) }, count: { N: '1' } }, context),
    ).toThrow(StoreError);
  });
});
