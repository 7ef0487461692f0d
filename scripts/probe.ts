/**
 * `npm run probe -- --api-url <url> --login-id <id> [--time-zone <IANA>] [--json]`
 *
 * Finds out, on a live account, which answer holds to each unknown of Konnektive's API: creates a session with the
 * API user (the password from KONNEKTIVE_PASSWORD, or asked for), calls `POST /contract-probe` — which runs from
 * the deployed functions, so from the whitelisted egress IPs, and only reads — and prints a readable report. Locally
 * it works against `npm start` (`--api-url http://127.0.0.1:3000`). Exit 0 on a report, 1 when the API refused or
 * failed, 2 on bad usage.
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import * as z from 'zod';
import { contractFindingsSchema } from '../functions/core/contract/findings.js';
import { formatProbeReport } from './probe-report.js';

const USAGE =
  'usage: npm run probe -- --api-url <url> --login-id <id> [--time-zone <IANA zone>] [--json]\n' +
  '       the password comes from KONNEKTIVE_PASSWORD, or is asked for';

class UsageError extends Error {}
class ApiError extends Error {}

const probeAnswerSchema = z.object({
  contract: contractFindingsSchema,
  poller: z.record(z.string(), z.string()).optional(),
});

const askPassword = async (): Promise<string> => {
  if (!process.stdin.isTTY) {
    throw new UsageError('no password: set KONNEKTIVE_PASSWORD (stdin is not a terminal to ask on)');
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  // Echo nothing while the password is typed.
  const output = rl as unknown as { _writeToOutput?: (text: string) => void };
  process.stderr.write('Konnektive API user password: ');
  output._writeToOutput = () => undefined;
  try {
    return await new Promise<string>((resolve) => rl.question('', resolve));
  } finally {
    rl.close();
    process.stderr.write('\n');
  }
};

const call = async (url: string, init: RequestInit, what: string): Promise<unknown> => {
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal: AbortSignal.timeout(15 * 60_000) });
  } catch (error) {
    throw new ApiError(
      `${what}: ${url} could not be reached (${error instanceof Error ? error.message : error})`,
    );
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = text === '' ? {} : JSON.parse(text);
  } catch {
    throw new ApiError(`${what}: HTTP ${response.status}, not JSON (${text.slice(0, 200)})`);
  }
  if (!response.ok) {
    const message =
      typeof body === 'object' && body !== null && 'message' in body
        ? String(body.message)
        : text.slice(0, 300);
    throw new ApiError(`${what}: HTTP ${response.status}: ${message}`);
  }
  return body;
};

export const runProbe = async (argv: string[], env: NodeJS.ProcessEnv, write: (text: string) => void) => {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: argv,
      options: {
        'api-url': { type: 'string' },
        'login-id': { type: 'string' },
        'time-zone': { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) {
    write(`${USAGE}\n`);
    return;
  }
  const apiUrl = typeof values['api-url'] === 'string' ? values['api-url'].replace(/\/+$/, '') : '';
  const loginId = typeof values['login-id'] === 'string' ? values['login-id'] : '';
  if (!/^https?:\/\/\S+$/.test(apiUrl)) throw new UsageError("--api-url must be the API's http(s) URL");
  if (loginId.trim() === '') throw new UsageError('--login-id is required');
  const password = env.KONNEKTIVE_PASSWORD ?? (await askPassword());
  if (password === '') throw new UsageError('the password is empty');

  const session = z.object({ token: z.string().min(1) }).safeParse(
    await call(
      `${apiUrl}/sessions`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          loginId,
          password,
          ...(typeof values['time-zone'] === 'string' ? { timeZone: values['time-zone'] } : {}),
        }),
      },
      'POST /sessions',
    ),
  );
  if (!session.success) throw new ApiError('POST /sessions: the answer carried no token');
  const answer = probeAnswerSchema.safeParse(
    await call(
      `${apiUrl}/contract-probe`,
      { method: 'POST', headers: { authorization: `Bearer ${session.data.token}` } },
      'POST /contract-probe',
    ),
  );
  if (!answer.success) {
    throw new ApiError(
      `POST /contract-probe: unexpected answer (${answer.error.issues[0]?.message ?? 'invalid'})`,
    );
  }
  write(
    values.json
      ? `${JSON.stringify(answer.data, null, 2)}\n`
      : `${formatProbeReport(answer.data.contract, { apiUrl, loginId, ...(answer.data.poller ? { poller: answer.data.poller } : {}) })}\n`,
  );
};

const isMain = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'));
if (isMain) {
  runProbe(process.argv.slice(2), process.env, (text) => process.stdout.write(text)).then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`probe: ${error instanceof Error ? error.message : String(error)}\n`);
      if (error instanceof UsageError) process.stderr.write(`${USAGE}\n`);
      process.exit(error instanceof UsageError ? 2 : 1);
    },
  );
}
