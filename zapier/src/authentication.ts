import type { Authentication, Bundle, ZObject } from 'zapier-platform-core';
import { API_ERROR_CODES, apiErrorFor, describeApiError, shownAsIs } from './api-errors.js';
import { apiUrl } from './config.js';
import { isRecord, nonEmptyString } from './json.js';

/** Konnektive dates carry no offset; the backend reads them in this zone unless the user names another. */
export const DEFAULT_TIME_ZONE = 'America/New_York';

/**
 * An auth field's value. Zapier's docs put session-auth fields in `bundle.authData` (current CLI guide and
 * example app) while older snippets read `bundle.inputData`; reading both keeps the exchange working either way.
 */
const authField = (bundle: Bundle, key: string): string | undefined =>
  nonEmptyString(bundle.authData?.[key]) ?? nonEmptyString(bundle.inputData?.[key]);

/** Whether the runtime knows the zone (IANA names and their aliases); offsets like `+02:00` are refused. */
export const isIanaTimeZone = (zone: string): boolean => {
  if (/^[+-]/.test(zone)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

/** Answers of `POST /sessions` that mean "Konnektive refused this login id and password". */
const REJECTED_CREDENTIALS: ReadonlySet<string> = new Set([
  API_ERROR_CODES.invalidCredentials,
  API_ERROR_CODES.credentialsRejected,
]);

/**
 * Exchanges the Konnektive API user's login id and password for our API's bearer token. The backend checks them
 * against Konnektive and answers 403 with a readable message (bad credentials, IP not whitelisted, missing
 * permission). Zapier stores the returned `sessionKey` in authData and runs this again whenever a request answers
 * 401 (unknown or revoked token).
 *
 * A refused password means different things at the two moments this runs. While the user connects (no
 * `sessionKey` yet) it is a plain error they read and fix in the form. During a refresh of an existing connection
 * the stored password is stale: an ExpiredAuthError makes Zapier hold the runs and ask the user to reconnect,
 * instead of failing step after step (and re-trying the stale password each time, which can lock the API user).
 */
export const getSessionKey = async (z: ZObject, bundle: Bundle): Promise<{ sessionKey: string }> => {
  const loginId = authField(bundle, 'loginId');
  const password = authField(bundle, 'password');
  if (!loginId || !password) {
    throw new z.errors.Error(
      'Enter the Login ID and Password of a Konnektive API user.',
      'MISSING_CREDENTIALS',
      400,
    );
  }
  const timeZone = authField(bundle, 'timeZone')?.trim() ?? DEFAULT_TIME_ZONE;
  if (!isIanaTimeZone(timeZone)) {
    throw new z.errors.Error(
      `"${timeZone}" is not an IANA time zone name. Use the zone of your Konnektive account, e.g. ${DEFAULT_TIME_ZONE}.`,
      'INVALID_TIME_ZONE',
      400,
    );
  }

  const response = await z.request({
    method: 'POST',
    url: apiUrl('/sessions'),
    body: { loginId, password, timeZone },
    skipThrowForStatus: true,
  });
  if (response.status >= 400) {
    const { status, code, message } = describeApiError(response, bundle);
    if (REJECTED_CREDENTIALS.has(code)) {
      const refreshing = nonEmptyString(bundle.authData?.sessionKey) !== undefined;
      throw refreshing
        ? shownAsIs(new z.errors.ExpiredAuthError(message))
        : new z.errors.Error(message, code, status);
    }
    throw apiErrorFor(response, z, bundle);
  }
  const token = isRecord(response.data) ? nonEmptyString(response.data.token) : undefined;
  if (!token) {
    throw new z.errors.Error('The Konnektive service did not return a session token.', 'BAD_RESPONSE', 502);
  }
  return { sessionKey: token };
};

/** The connection test: `GET /me` answers `{connectionId, label, loginId, timeZone}` for a valid token. */
export const testAuth = async (z: ZObject): Promise<Record<string, unknown>> => {
  const response = await z.request({ url: apiUrl('/me') });
  const me: unknown = response.data;
  if (!isRecord(me) || !nonEmptyString(me.loginId)) {
    throw new z.errors.Error('The Konnektive service did not confirm the connection.', 'BAD_RESPONSE', 502);
  }
  return me;
};

export default {
  type: 'session',
  fields: [
    {
      key: 'loginId',
      label: 'Login ID',
      type: 'string',
      required: true,
      helpText:
        'The login ID of a Konnektive **API user** (Admin → Users → add a user with access level "Api User"; ' +
        'API users cannot log into the CRM). Grant it the order, transaction, campaign, fulfillment and customer ' +
        'endpoints, and add the IP addresses your administrator gives you (the stack output `EgressIps`) to its ' +
        '[IP whitelist](https://konnektive.atlassian.net/wiki/spaces/KCKB/pages/222986302).',
    },
    {
      key: 'password',
      label: 'Password',
      type: 'password',
      required: true,
      helpText: "The API user's password (Konnektive does not allow `&` in API passwords).",
    },
    {
      key: 'timeZone',
      label: 'Account Time Zone',
      type: 'string',
      required: false,
      default: DEFAULT_TIME_ZONE,
      helpText:
        'The IANA time zone your Konnektive account uses, e.g. `America/New_York` (the default) or ' +
        '`America/Los_Angeles`. Konnektive dates have no offset; this is how they are read.',
    },
  ],
  sessionConfig: { perform: getSessionKey },
  test: testAuth,
  // The test's answer is hoisted for the label: it shows the login id (never the password).
  connectionLabel: '{{loginId}}',
} satisfies Authentication;
