/** Shared helpers for the simulator's contract tests: real HTTP with fetch, in four request encodings. */
import { expect } from 'vitest';
import { z } from 'zod';
import {
  type RunningSimulator,
  type StartSimulatorOptions,
  startSimulator,
} from '../../local/simulator/index.js';

export const DEMO = { loginId: 'demo-api-user', password: 'demo-password-123' } as const;
export const TEST_CARD = {
  cardNumber: '0000000000000000',
  cardSecurityCode: '100',
  cardMonth: '12',
  cardYear: '2031',
};
export const HARD_DECLINE_CARD = '4000000000000002';
export const SOFT_DECLINE_CARD = '4000000000009995';
export const REDIRECT_CARD = '4000000000003220';

/** A made-up buyer (example.com, 555 numbers). */
export const BUYER = {
  firstName: 'Testy',
  lastName: 'McTestface',
  emailAddress: 'testy.mctestface@example.com',
  phoneNumber: '555-0100-1234',
  address1: '1 Test Way',
  city: 'Springfield',
  state: 'IL',
  postalCode: '62701',
  country: 'US',
} as const;

/** Starts a simulator on a free port (port 0: the kernel picks, so there is no race). */
export const startTestSim = (options: StartSimulatorOptions = {}): Promise<RunningSimulator> =>
  startSimulator({ port: 0, ...options });

export type Mode = 'get' | 'form' | 'multipart' | 'json' | 'post-query';
export type ParamValues = Record<string, string | number>;

export interface Answer {
  status: number;
  contentType: string | null;
  text: string;
}

/** Sends `params` to `path` in the given encoding. */
export const send = async (
  base: string,
  path: string,
  params: ParamValues,
  mode: Mode = 'form',
  headers: Record<string, string> = {},
): Promise<Answer> => {
  const entries = Object.entries(params).map(([k, v]) => [k, String(v)] as [string, string]);
  const qs = new URLSearchParams(entries).toString();
  let response: Response;
  switch (mode) {
    case 'get':
    case 'post-query':
      response = await fetch(`${base}${path}?${qs}`, { method: mode === 'get' ? 'GET' : 'POST', headers });
      break;
    case 'form':
      response = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
        body: qs,
      });
      break;
    case 'multipart': {
      const form = new FormData();
      for (const [k, v] of entries) form.append(k, v);
      response = await fetch(`${base}${path}`, { method: 'POST', headers, body: form });
      break;
    }
    case 'json':
      response = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...headers },
        body: JSON.stringify(Object.fromEntries(entries)),
      });
      break;
  }
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    text: await response.text(),
  };
};

const envelopeSchema = z.strictObject({
  result: z.enum(['SUCCESS', 'ERROR', 'MERC_REDIRECT']),
  message: z.unknown(),
});
export type Envelope = z.infer<typeof envelopeSchema>;

/** Asserts Konnektive's transport contract (HTTP 200, application/json, exactly {result, message}). */
export const asEnvelope = (answer: Answer): Envelope => {
  expect(answer.status).toBe(200);
  expect(answer.contentType).toBe('application/json');
  return envelopeSchema.parse(JSON.parse(answer.text));
};

/** Calls an endpoint with the demo credentials and returns the checked envelope. */
export const api = async (
  base: string,
  path: string,
  params: ParamValues = {},
  mode: Mode = 'form',
  headers: Record<string, string> = {},
): Promise<Envelope> => asEnvelope(await send(base, path, { ...DEMO, ...params }, mode, headers));

export const querySchema = z.strictObject({
  totalResults: z.number().int(),
  resultsPerPage: z.number().int(),
  page: z.number().int(),
  data: z.array(z.record(z.string(), z.unknown())),
  params: z.null(),
  errors: z.null(),
  sortBy: z.string(),
  sortDir: z.union([z.literal(0), z.literal(1)]),
  queryArgs: z.record(z.string(), z.unknown()),
});
export type QueryPage = z.infer<typeof querySchema>;

/** Asserts a SUCCESS list envelope and returns its message. */
export const successPage = (envelope: Envelope): QueryPage => {
  expect(envelope.result, JSON.stringify(envelope.message)).toBe('SUCCESS');
  return querySchema.parse(envelope.message);
};

/** Asserts SUCCESS and returns the message as an object. */
export const successObject = (envelope: Envelope): Record<string, unknown> => {
  expect(envelope.result, JSON.stringify(envelope.message)).toBe('SUCCESS');
  return z.record(z.string(), z.unknown()).parse(envelope.message);
};

/** Asserts ERROR and returns the message. */
export const errorMessage = (envelope: Envelope): string | Record<string, string> => {
  expect(envelope.result).toBe('ERROR');
  return z.union([z.string(), z.record(z.string(), z.string())]).parse(envelope.message);
};

/** A whole-window query helper: `startDate=endDate=day` unless overridden. */
export const windowParams = (startDate: string, endDate = startDate): ParamValues => ({ startDate, endDate });

/** The sale parameters for campaign 1, product 101, on the test card. */
export const saleParams = (extra: ParamValues = {}): ParamValues => ({
  campaignId: 1,
  product1_id: 101,
  paySource: 'CREDITCARD',
  ...TEST_CARD,
  ...extra,
});

export const ids = (page: QueryPage): string[] => page.data.map((r) => String(r.orderId));
