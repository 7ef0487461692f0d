/**
 * What a contract suite runs against: a fresh set of stores per test (the fakes) or one set on a file's DynamoDB
 * Local tables (the adapters). Tests use fresh ids, so they never see each other's items on shared tables.
 */
import { randomUUID } from 'node:crypto';
import type { Stores } from '../../functions/core/ports.js';

export type StoresUnderTest = () => Stores;

/** A fresh id per test. */
export const freshId = (label: string): string => `${label}-${randomUUID()}`;

export const T0 = new Date('2026-03-01T10:00:00.000Z');
export const at = (offsetMs: number): Date => new Date(T0.getTime() + offsetMs);
