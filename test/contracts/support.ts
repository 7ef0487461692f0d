/**
 * What a contract suite runs against: a fresh set of stores per test (the fakes) or one set on a file's DynamoDB
 * Local tables (the adapters). Tests use fresh ids, so they never see each other's items on shared tables.
 */
import { randomUUID } from 'node:crypto';
import type { Stores } from '../../functions/core/ports.js';

export type StoresUnderTest = () => Stores;

/** A fresh id per test. */
export const freshId = (label: string): string => `${label}-${randomUUID()}`;

// Ahead of the real clock: DynamoDB Local's TTL sweep deletes items whose expiresAt lies in the real past, which
// would make entries of a fixed past date vanish mid-test.
export const T0 = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 86_400_000);
export const at = (offsetMs: number): Date => new Date(T0.getTime() + offsetMs);
