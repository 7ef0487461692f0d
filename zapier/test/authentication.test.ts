import nock from 'nock';
import { describe, expect, it } from 'vitest';
import authentication, { getSessionKey, testAuth } from '../src/authentication.js';
import { ApiBaseUrlError } from '../src/config.js';
import {
  API,
  connectedAuth,
  LOGIN_ID,
  only,
  PASSWORD,
  record,
  SESSION_KEY,
  useFakeApi,
} from './support/api.js';
import { App, appTester, errorPayload, rejection } from './support/app.js';

useFakeApi();

const session = {
  token: SESSION_KEY,
  label: LOGIN_ID,
  connectionId: 'conn-1',
  loginId: LOGIN_ID,
  timeZone: 'x',
};
const me = { connectionId: 'conn-1', label: LOGIN_ID, loginId: LOGIN_ID, timeZone: 'America/New_York' };

describe('session exchange (sessionConfig.perform)', () => {
  it('posts loginId, password and the default time zone, and returns the token as sessionKey', async () => {
    const scope = nock(API).post('/sessions').reply(201, session);
    const seen = record(scope);

    const result = await appTester(getSessionKey, { authData: { loginId: LOGIN_ID, password: PASSWORD } });

    expect(result).toEqual({ sessionKey: SESSION_KEY });
    const request = only(seen);
    expect(request.body).toEqual({ loginId: LOGIN_ID, password: PASSWORD, timeZone: 'America/New_York' });
    // No token exists yet, so none is sent.
    expect(request.headers.get('authorization')).toBeNull();
  });

  it('sends the time zone the user chose', async () => {
    const seen = record(nock(API).post('/sessions').reply(201, session));
    await appTester(getSessionKey, {
      authData: { loginId: LOGIN_ID, password: PASSWORD, timeZone: 'America/Los_Angeles' },
    });
    expect(only(seen).body).toMatchObject({ timeZone: 'America/Los_Angeles' });
  });

  it('also reads the fields from inputData (older session-auth convention)', async () => {
    const seen = record(nock(API).post('/sessions').reply(201, session));
    const result = await appTester(getSessionKey, { inputData: { loginId: LOGIN_ID, password: PASSWORD } });
    expect(result).toEqual({ sessionKey: SESSION_KEY });
    expect(only(seen).body).toMatchObject({ loginId: LOGIN_ID, password: PASSWORD });
  });

  it('refuses a time zone that is not an IANA name, before calling the API', async () => {
    const error = await rejection(
      appTester(getSessionKey, {
        authData: { loginId: LOGIN_ID, password: PASSWORD, timeZone: 'Eastern Time' },
      }),
    );
    expect(errorPayload(error)).toMatchObject({ code: 'INVALID_TIME_ZONE' });
    expect(errorPayload(error).message).toContain('Eastern Time');
  });

  it('refuses to call the API without a password', async () => {
    const error = await rejection(appTester(getSessionKey, { authData: { loginId: LOGIN_ID } }));
    expect(errorPayload(error)).toMatchObject({ code: 'MISSING_CREDENTIALS' });
  });

  it("surfaces the API's message for bad credentials, without the password", async () => {
    nock(API)
      .post('/sessions')
      .reply(403, { message: 'Konnektive rejected the login ID or password.', code: 'INVALID_CREDENTIALS' });
    const error = await rejection(
      appTester(getSessionKey, { authData: { loginId: LOGIN_ID, password: PASSWORD } }),
    );
    expect(error.name).toBe('AppError');
    expect(errorPayload(error)).toEqual({
      message: 'Konnektive rejected the login ID or password.',
      code: 'INVALID_CREDENTIALS',
      status: 403,
    });
    expect(error.message).not.toContain(PASSWORD);
  });

  it.each(['INVALID_CREDENTIALS', 'CREDENTIALS_REJECTED'])(
    'asks the user to reconnect (ExpiredAuthError) when a refresh finds the stored password refused (%s)',
    async (code) => {
      const message = 'Konnektive rejected the login ID or password.';
      nock(API).post('/sessions').reply(403, { message, code });
      // A refresh runs with the connection's stored authData, the old session key included.
      const error = await rejection(appTester(getSessionKey, { authData: connectedAuth }));
      expect(error.name).toBe('ExpiredAuthError');
      expect(error.message).toBe(message);
      expect(error.message).not.toContain(PASSWORD);
    },
  );

  it('keeps other refusals of a refresh as they are (e.g. the IP is not whitelisted)', async () => {
    nock(API)
      .post('/sessions')
      .reply(403, {
        message: 'Whitelist 198.51.100.7.',
        code: 'IP_NOT_WHITELISTED',
        egressIps: ['198.51.100.7'],
      });
    const error = await rejection(appTester(getSessionKey, { authData: connectedAuth }));
    expect(error.name).toBe('AppError');
    expect(errorPayload(error)).toMatchObject({ code: 'IP_NOT_WHITELISTED', status: 403 });
  });

  it('fails clearly when the API answers without a token', async () => {
    nock(API).post('/sessions').reply(201, { loginId: LOGIN_ID });
    const error = await rejection(
      appTester(getSessionKey, { authData: { loginId: LOGIN_ID, password: PASSWORD } }),
    );
    expect(errorPayload(error)).toMatchObject({ code: 'BAD_RESPONSE' });
  });
});

describe('connection test and label', () => {
  it('calls GET /me with the bearer token and returns what the label reads', async () => {
    const seen = record(nock(API).get('/me').reply(200, me));

    const result = await appTester(testAuth, { authData: connectedAuth });

    expect(result).toEqual(me);
    expect(only(seen).headers.get('authorization')).toBe(`Bearer ${SESSION_KEY}`);
  });

  it('labels the connection with the login id only', () => {
    expect(App.authentication).toBe(authentication);
    expect(authentication.connectionLabel).toBe('{{loginId}}');
    expect(authentication.connectionLabel).not.toMatch(/password/i);
  });

  it('asks Zapier to refresh the session when the token is no longer valid (401)', async () => {
    nock(API).get('/me').reply(401, { message: 'Unknown or revoked token.', code: 'UNAUTHORIZED' });
    const error = await rejection(appTester(testAuth, { authData: connectedAuth }));
    expect(error.name).toBe('RefreshAuthError');
  });

  it('asks the user to reconnect when Konnektive now refuses the stored password (403, not a refresh)', async () => {
    nock(API).get('/me').reply(403, {
      message: 'Konnektive no longer accepts the password of fake-api-user: reconnect the account.',
      code: 'CREDENTIALS_REJECTED',
    });
    const error = await rejection(appTester(testAuth, { authData: connectedAuth }));
    expect(error.name).toBe('ExpiredAuthError');
  });

  it('fails when /me does not identify the connection', async () => {
    nock(API).get('/me').reply(200, { connectionId: 'conn-1' });
    const error = await rejection(appTester(testAuth, { authData: connectedAuth }));
    expect(errorPayload(error)).toMatchObject({ code: 'BAD_RESPONSE' });
  });
});

describe('bearer middleware', () => {
  it('sends the token to our API only, never to another host', async () => {
    const ours = record(nock(API).get('/campaigns').reply(200, {}));
    const other = record(nock('http://api.test.example').get('/x').reply(200, {}));

    await appTester(
      async (z) => {
        await z.request({ url: `${API}/campaigns` });
        await z.request({ url: 'http://api.test.example/x' });
        return {};
      },
      { authData: connectedAuth },
    );

    expect(only(ours).headers.get('authorization')).toBe(`Bearer ${SESSION_KEY}`);
    expect(only(other).headers.get('authorization')).toBeNull();
  });

  it('keeps an API stage path and ignores a trailing slash in API_BASE_URL', async () => {
    process.env.API_BASE_URL = `${API}/prod/`;
    const seen = record(nock(API).get('/prod/me').reply(200, me));
    await appTester(testAuth, { authData: connectedAuth });
    expect(only(seen).headers.get('authorization')).toBe(`Bearer ${SESSION_KEY}`);
  });

  it.each(['http://api.test', 'http://api.test.localhost.example', 'ftp://api.test'])(
    'refuses an API_BASE_URL that is not HTTPS (%s), before sending anything',
    async (url) => {
      process.env.API_BASE_URL = url;
      const error = await rejection(appTester(testAuth, { authData: connectedAuth }));
      expect(error.name).toBe('ApiBaseUrlError');
      expect(error.message).toContain('https://');
    },
  );

  it.each(['http://127.0.0.1:3000', 'http://localhost:3000'])(
    'accepts plain http for the local runtime (%s)',
    async (url) => {
      process.env.API_BASE_URL = url;
      const seen = record(nock(url).get('/me').reply(200, me));
      await appTester(testAuth, { authData: connectedAuth });
      expect(only(seen).headers.get('authorization')).toBe(`Bearer ${SESSION_KEY}`);
    },
  );

  it('explains how to set API_BASE_URL when it is missing', async () => {
    delete process.env.API_BASE_URL;
    const error = await rejection(appTester(testAuth, { authData: connectedAuth }));
    expect(error.name).toBe(new ApiBaseUrlError('x').name);
    expect(error.message).toContain('env:set');
  });
});
