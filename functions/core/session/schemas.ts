/**
 * Request and response schemas of the session routes (`POST /sessions`, `GET /me`). Also feed the OpenAPI document.
 */
import * as z from 'zod';
import { DEFAULT_TIME_ZONE, isValidTimeZone } from '../zoned-time.js';

/** Offsets such as `+02:00` are refused: Konnektive dates follow the account's DST rules, an offset does not. */
const ianaZone = z
  .string({ error: 'must be an IANA time zone name such as America/New_York' })
  .trim()
  .refine((zone) => !/^[+-]/.test(zone) && isValidTimeZone(zone), {
    error: 'must be an IANA time zone name such as America/New_York',
  });

/** `POST /sessions` body. The password is not trimmed (spaces may be part of it) and is never echoed. */
export const createSessionRequestSchema = z.object({
  loginId: z
    .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be text') })
    .trim()
    .min(1, 'is required')
    .max(64, 'must be at most 64 characters'),
  password: z
    .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be text') })
    .min(1, 'is required')
    .max(128, 'must be at most 128 characters'),
  timeZone: z
    .union([z.string(), z.null()], { error: 'must be an IANA time zone name such as America/New_York' })
    .optional()
    .transform((zone) =>
      zone === null || zone === undefined || zone.trim() === '' ? DEFAULT_TIME_ZONE : zone,
    )
    .pipe(ianaZone)
    .meta({ description: `IANA zone of the Konnektive account; default ${DEFAULT_TIME_ZONE}` }),
});
export type CreateSessionRequest = z.output<typeof createSessionRequestSchema>;

/** `GET /me`: what Zapier's connection test and label read. */
export const meResponseSchema = z.object({
  connectionId: z.string(),
  label: z.string(),
  loginId: z.string(),
  timeZone: z.string(),
});
export type MeResponse = z.output<typeof meResponseSchema>;

/** `POST /sessions` 201: the bearer token (shown once) plus the connection it belongs to. */
export const sessionResponseSchema = meResponseSchema.extend({
  token: z
    .string()
    .meta({ description: 'Send as Authorization: Bearer <token>; stored by us only as a hash' }),
});
export type SessionResponse = z.output<typeof sessionResponseSchema>;
