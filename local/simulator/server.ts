/**
 * The simulator's HTTP front (node:http): Konnektive's transport rules (HTTP 200 JSON envelopes, lower-case
 * slash-terminated paths, GET query strings and form/multipart/JSON POST bodies merged with body winning),
 * fault injection, the request log, and the `/_sim/` control routes.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { normalizeIp } from './auth.js';
import { handleControl } from './control.js';
import { ENDPOINTS, type Simulator } from './simulator.js';
import type { LoggedRequest, Params, SimEnvelope } from './types.js';

const MAX_BODY_BYTES = 1_000_000;

/** A request body the simulator could not read as parameters. */
export class MalformedBodyError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MalformedBodyError';
  }
}

class BodyTooLargeError extends Error {
  constructor() {
    super('Request body too large');
    this.name = 'BodyTooLargeError';
  }
}

/** Past this the upload is cut off (the socket destroyed) rather than drained. */
const HARD_BODY_LIMIT_BYTES = 20_000_000;

/**
 * Reads the whole body. An oversized body is drained (not buffered) so the caller still gets a clean answer
 * instead of a reset connection; only absurd uploads are cut off.
 */
const readBody = (req: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
      else if (size > HARD_BODY_LIMIT_BYTES && !settled) {
        settled = true;
        req.destroy();
        reject(new BodyTooLargeError());
      }
    });
    req.on('end', () => {
      if (settled) return;
      settled = true;
      if (size > MAX_BODY_BYTES) reject(new BodyTooLargeError());
      else resolve(Buffer.concat(chunks));
    });
    req.on('error', (error) => {
      if (settled) return;
      settled = true;
      reject(error);
    });
  });

const paramsFromSearch = (search: URLSearchParams): Params => {
  const params: Params = {};
  for (const [key, value] of search) params[key] = value;
  return params;
};

/** Scalars become text (`true` → `1`, as PHP sends booleans); nested values become their JSON. */
const jsonValueToParam = (value: unknown): string | undefined => {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  return JSON.stringify(value);
};

const parseMultipart = (body: Buffer, contentType: string): Params => {
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2];
  if (!boundary) throw new MalformedBodyError('Malformed multipart body: no boundary');
  const text = body.toString('utf8');
  const params: Params = {};
  const parts = text.split(`--${boundary}`);
  if (parts.length < 2 && text.trim() !== '') throw new MalformedBodyError('Malformed multipart body');
  for (const part of parts.slice(1)) {
    if (part.startsWith('--')) break;
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) continue;
    const headers = part.slice(0, split);
    const name = /content-disposition:[^\r\n]*\bname="([^"]*)"/i.exec(headers)?.[1];
    if (name === undefined) continue;
    params[name] = part.slice(split + 4).replace(/\r\n$/, '');
  }
  return params;
};

/** Body parameters by content type; unknown types are ignored, as PHP ignores them. */
export const parseBody = (body: Buffer, contentType: string | undefined): Params => {
  if (body.length === 0) return {};
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/x-www-form-urlencoded')
    return paramsFromSearch(new URLSearchParams(body.toString('utf8')));
  if (type === 'multipart/form-data') return parseMultipart(body, contentType ?? '');
  if (type === 'application/json' || type.endsWith('+json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch (cause) {
      throw new MalformedBodyError('Malformed JSON body', { cause });
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new MalformedBodyError('Malformed JSON body: expected an object of parameters');
    }
    const params: Params = {};
    for (const [key, value] of Object.entries(parsed)) {
      const text = jsonValueToParam(value);
      if (text !== undefined) params[key] = text;
    }
    return params;
  }
  return {};
};

const GARBAGE_BODY =
  '<!DOCTYPE html><html><head><title>Site Maintenance</title></head><body><h1>We&rsquo;ll be back soon!</h1>' +
  '<p>Sorry for the inconvenience. We&rsquo;re performing some maintenance at the moment.</p></body></html>\n';

const STATUS_TEXT: Record<number, string> = {
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/** A running HTTP front; `close` ends every connection, including hung ones. */
export interface SimulatorServer {
  readonly server: Server;
  readonly port: number;
  close(): Promise<void>;
}

export const startHttpServer = async (
  sim: Simulator,
  port: number,
  host: string,
): Promise<SimulatorServer> => {
  const timers = new Set<NodeJS.Timeout>();
  let closing = false;

  const later = (ms: number, res: ServerResponse, run: () => void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!closing && !res.destroyed) run();
    }, ms);
    timers.add(timer);
    res.on('close', () => {
      clearTimeout(timer);
      timers.delete(timer);
    });
  };

  const send = (res: ServerResponse, status: number, contentType: string, body: string): void => {
    if (res.writableEnded || res.destroyed) return;
    res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  };

  const sendEnvelope = (res: ServerResponse, envelope: SimEnvelope): void =>
    send(res, 200, 'application/json', JSON.stringify(envelope));

  const callerIp = (req: IncomingMessage): string => {
    const header = req.headers['x-sim-client-ip'];
    const value = Array.isArray(header) ? header[0] : header;
    if (sim.trustClientIpHeader && value && value.trim() !== '')
      return normalizeIp(value.split(',')[0] ?? value);
    return normalizeIp(req.socket.remoteAddress ?? 'unknown');
  };

  const finish = (
    entry: LoggedRequest,
    started: number,
    status: number,
    result: string,
    error?: string,
  ): void => {
    entry.status = status;
    entry.result = result;
    if (error !== undefined) entry.error = error;
    sim.emit(`${entry.method} ${entry.path} -> ${status} ${result} (${Date.now() - started} ms)`);
  };

  const handleApi = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const started = Date.now();
    const method = req.method ?? 'GET';
    const def = ENDPOINTS.get(url.pathname);
    const query = paramsFromSearch(url.searchParams);
    const ip = callerIp(req);
    if (!def) {
      req.resume();
      const entry = sim.logRequest({
        method,
        path: url.pathname,
        endpoint: null,
        params: query,
        ip,
        result: '',
        status: 0,
      });
      finish(entry, started, 404, 'NOT_FOUND');
      send(res, 404, 'text/plain; charset=utf-8', 'Not Found\n');
      return;
    }
    let params: Params = query;
    let bodyProblem: string | undefined;
    try {
      params = { ...query, ...parseBody(await readBody(req), req.headers['content-type']) };
    } catch (error) {
      if (error instanceof BodyTooLargeError) bodyProblem = 'Request body too large';
      else if (error instanceof MalformedBodyError) bodyProblem = error.message;
      else bodyProblem = 'Could not read the request body';
    }
    const entry = sim.logRequest({
      method,
      path: url.pathname,
      endpoint: def.name,
      params,
      ip,
      result: '',
      status: 0,
    });
    const answer = (): SimEnvelope =>
      bodyProblem === undefined ? sim.handle(def, params, ip) : { result: 'ERROR', message: bodyProblem };
    const respond = (envelope: SimEnvelope): void => {
      finish(
        entry,
        started,
        200,
        envelope.result,
        envelope.result === 'ERROR'
          ? typeof envelope.message === 'string'
            ? envelope.message
            : JSON.stringify(envelope.message)
          : undefined,
      );
      sendEnvelope(res, envelope);
    };

    // Fault latency plus the contract's page latency (query endpoints only), held on a timer: other requests
    // proceed meanwhile, and close() clears the timer and destroys the connection.
    const latency = sim.latencyFor(def.name) + sim.pageLatencyFor(def.name);
    if (latency > 0) {
      entry.delayMs = latency;
      await new Promise<void>((resolve) => later(latency, res, resolve));
    }
    if (closing || res.destroyed) return;

    const fault = sim.decideFault(def.name);
    const processFirst = sim.getFaults().afterProcessing;
    const processed = fault.kind !== 'none' && processFirst ? answer() : undefined;
    switch (fault.kind) {
      case 'none':
        respond(answer());
        return;
      case 'error': {
        finish(entry, started, fault.status, 'FAULT_ERROR');
        const text = STATUS_TEXT[fault.status] ?? 'Error';
        send(res, fault.status, 'text/html', `<html><body><h1>${fault.status} ${text}</h1></body></html>\n`);
        return;
      }
      case 'garbage':
        finish(entry, started, 200, 'FAULT_GARBAGE');
        send(res, 200, 'text/html', GARBAGE_BODY);
        return;
      case 'hang':
        entry.result = 'FAULT_HANG';
        sim.emit(`${method} ${url.pathname} -> hanging for ${fault.ms} ms`);
        later(fault.ms, res, () => respond(processed ?? answer()));
        return;
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://simulator.local');
    } catch {
      req.resume();
      send(res, 404, 'text/plain; charset=utf-8', 'Not Found\n');
      return;
    }
    if (url.pathname === '/_sim' || url.pathname.startsWith('/_sim/')) {
      let body: Buffer;
      try {
        body = await readBody(req);
      } catch {
        send(res, 413, 'application/json', JSON.stringify({ error: 'Request body too large' }));
        return;
      }
      let answer: { status: number; body: unknown };
      try {
        answer = handleControl(sim, req.method ?? 'GET', url, body);
      } catch (error) {
        sim.emit(
          `internal error on ${req.method} ${url.pathname}: ${error instanceof Error ? error.message : String(error)}`,
        );
        answer = { status: 500, body: { error: 'Internal simulator error' } };
      }
      send(res, answer.status, 'application/json', JSON.stringify(answer.body));
      return;
    }
    await handleApi(req, res, url);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // A bug, never a stack trace to the caller: Konnektive-style ERROR envelope, details to the logger only.
      sim.emit(
        `internal error on ${req.method} ${req.url}: ${error instanceof Error ? error.message : String(error)}`,
      );
      if (!res.headersSent) {
        send(
          res,
          200,
          'application/json',
          JSON.stringify({ result: 'ERROR', message: 'An internal error occurred' }),
        );
      } else res.destroy();
    });
  });
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;

  return {
    server,
    port: address.port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        closing = true;
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
};
