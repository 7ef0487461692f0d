/**
 * The `/_sim/` control routes: JSON in and out, bodies validated with zod (400 `{error}` on bad input).
 * They never need credentials and are never subject to injected faults.
 */
import { z } from 'zod';
import { SimUserNotFoundError } from './auth.js';
import { CONTRACT_PRESET_NAMES, type ContractInput } from './contract.js';
import { type Simulator, SimulatorConfigError } from './simulator.js';
import { PERMISSIONS } from './types.js';

export interface ControlAnswer {
  status: number;
  body: unknown;
}

const dateLike = z
  .union([z.string().min(1), z.number()])
  .refine((v) => !Number.isNaN(new Date(v).getTime()), {
    message: 'must be an ISO-8601 date-time or epoch milliseconds',
  });

const seedSchema = z.strictObject({
  count: z.number().int().min(0).max(200_000),
  from: dateLike.optional(),
  to: dateLike.optional(),
  seed: z.number().int().optional(),
});

const clockSchema = z.union([
  z.strictObject({ now: dateLike, running: z.boolean().optional() }),
  z.strictObject({ advanceMs: z.number().finite() }),
  z.strictObject({ real: z.literal(true) }),
]);

const rate = z.number().min(0).max(1);
const faultsSchema = z.strictObject({
  errorRate: rate.optional(),
  hangRate: rate.optional(),
  hangMs: z.number().min(0).max(3_600_000).optional(),
  garbageRate: rate.optional(),
  latencyMs: z.number().min(0).max(600_000).optional(),
  endpoints: z.array(z.string().min(1)).nullable().optional(),
  afterProcessing: z.boolean().optional(),
});

const userSchema = z.strictObject({
  loginId: z.string().min(1).max(64),
  password: z.string().min(1).max(64).optional(),
  allowedIps: z.union([z.literal('*'), z.array(z.string().min(1))]).optional(),
  permissions: z.union([z.literal('*'), z.array(z.enum(PERMISSIONS))]).optional(),
});

const paramsSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));

const cancelSchema = z.strictObject({
  reason: z.string().min(1).max(100).optional(),
  fullRefund: z.boolean().optional(),
});

const refundSchema = z.union([
  z.strictObject({ amount: z.union([z.number().positive(), z.string().min(1)]) }),
  z.strictObject({ full: z.literal(true) }),
]);

const json = (status: number, body: unknown): ControlAnswer => ({ status, body });
const badRequest = (error: string): ControlAnswer => json(400, { error });

/** Parses a JSON body (empty = `{}`) against a schema. */
const parse = <T>(
  schema: z.ZodType<T>,
  raw: Buffer,
): { ok: true; value: T } | { ok: false; answer: ControlAnswer } => {
  let body: unknown = {};
  if (raw.length > 0) {
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return { ok: false, answer: badRequest('Body must be JSON') };
    }
  }
  const result = schema.safeParse(body);
  if (!result.success) return { ok: false, answer: badRequest(z.prettifyError(result.error)) };
  return { ok: true, value: result.data };
};

const contractState = (sim: Simulator) => ({
  preset: sim.contractPreset(),
  contract: sim.getContract(),
  presets: CONTRACT_PRESET_NAMES,
});

const clockState = (sim: Simulator) => ({
  now: sim.now().toISOString(),
  local: sim.localNow(),
  timeZone: sim.timeZone,
  frozen: sim.clock.frozen,
});

/** Answers one control request. Config errors from the simulator become 400s. */
export const handleControl = (sim: Simulator, method: string, url: URL, raw: Buffer): ControlAnswer => {
  try {
    return route(sim, method, url, raw);
  } catch (error) {
    if (error instanceof SimulatorConfigError) return badRequest(error.message);
    if (error instanceof SimUserNotFoundError) return json(404, { error: error.message });
    if (error instanceof Error && error.name === 'InvalidAllowedIpError') return badRequest(error.message);
    throw error;
  }
};

const route = (sim: Simulator, method: string, url: URL, raw: Buffer): ControlAnswer => {
  const path = url.pathname.replace(/\/+$/, '') || '/_sim';
  const key = `${method} ${path}`;
  switch (key) {
    case 'GET /_sim':
    case 'GET /_sim/status':
      return json(200, {
        ok: true,
        seed: sim.seedValue,
        clock: clockState(sim),
        faults: sim.getFaults(),
        contract: sim.getContract(),
        contractPreset: sim.contractPreset(),
        counts: sim.stats(),
      });
    case 'POST /_sim/reset':
      sim.reset();
      return json(200, { ok: true });
    case 'POST /_sim/seed': {
      const body = parse(seedSchema, raw);
      if (!body.ok) return body.answer;
      const now = sim.now().getTime();
      const summary = sim.seed({
        count: body.value.count,
        from: new Date(body.value.from ?? now - 7 * 86_400_000),
        to: new Date(body.value.to ?? now),
        ...(body.value.seed === undefined ? {} : { seed: body.value.seed }),
      });
      return json(200, summary);
    }
    case 'GET /_sim/clock':
      return json(200, clockState(sim));
    case 'POST /_sim/clock': {
      const body = parse(clockSchema, raw);
      if (!body.ok) return body.answer;
      const value = body.value;
      if ('now' in value) sim.setClock(new Date(value.now), value.running ?? false);
      else if ('advanceMs' in value) sim.advanceClock(value.advanceMs);
      else sim.useRealClock();
      return json(200, clockState(sim));
    }
    case 'GET /_sim/faults':
      return json(200, sim.getFaults());
    case 'POST /_sim/faults': {
      const body = parse(faultsSchema, raw);
      if (!body.ok) return body.answer;
      const patch = Object.fromEntries(Object.entries(body.value).filter(([, v]) => v !== undefined));
      return json(200, sim.setFaults(patch));
    }
    case 'GET /_sim/contract':
      return json(200, contractState(sim));
    case 'POST /_sim/contract': {
      // A preset name (JSON string) or a patch object; the simulator validates it and names the bad field.
      const body = parse(z.unknown(), raw);
      if (!body.ok) return body.answer;
      sim.setContract(body.value as ContractInput);
      return json(200, contractState(sim));
    }
    case 'GET /_sim/requests':
      return json(200, { requests: sim.requestLog() });
    case 'DELETE /_sim/requests':
      sim.clearRequestLog();
      return json(200, { ok: true });
    case 'GET /_sim/users':
      return json(200, { users: sim.listUsers() });
    case 'POST /_sim/users': {
      const body = parse(userSchema, raw);
      if (!body.ok) return body.answer;
      const { loginId, password, allowedIps, permissions } = body.value;
      const exists = sim.listUsers().some((u) => u.loginId === loginId);
      if (exists) {
        sim.updateUser(loginId, {
          ...(password === undefined ? {} : { password }),
          ...(allowedIps === undefined ? {} : { allowedIps }),
          ...(permissions === undefined ? {} : { permissions }),
        });
      } else {
        if (password === undefined) return badRequest('password is required for a new user');
        sim.addUser({
          loginId,
          password,
          ...(allowedIps === undefined ? {} : { allowedIps }),
          ...(permissions === undefined ? {} : { permissions }),
        });
      }
      return json(200, { users: sim.listUsers() });
    }
    case 'GET /_sim/orders':
      return json(200, { orders: sim.listOrders() });
    case 'GET /_sim/transactions':
      return json(200, { transactions: sim.listTransactions() });
    case 'GET /_sim/customers':
      return json(200, { customers: sim.listCustomers() });
    case 'GET /_sim/campaigns':
      return json(200, { campaigns: sim.listCampaigns() });
    case 'POST /_sim/leads': {
      const body = parse(paramsSchema, raw);
      if (!body.ok) return body.answer;
      return json(200, sim.createLead(body.value));
    }
    case 'POST /_sim/sales': {
      const body = parse(paramsSchema, raw);
      if (!body.ok) return body.answer;
      return json(200, sim.importOrder(body.value));
    }
  }
  return orderRoute(sim, method, path, raw);
};

const orderRoute = (sim: Simulator, method: string, path: string, raw: Buffer): ControlAnswer => {
  const match = /^\/_sim\/orders\/([^/]+)(?:\/(cancel|refund|fulfillment))?$/.exec(path);
  if (!match) return json(404, { error: `No control route ${method} ${path}` });
  const orderId = decodeURIComponent(match[1] ?? '');
  const action = match[2];
  const order = sim.getOrder(orderId);
  if (!order) return json(404, { error: `Order ${orderId} not found` });
  if (action === undefined && method === 'GET') return json(200, order);
  if (method !== 'POST' || action === undefined)
    return json(404, { error: `No control route ${method} ${path}` });
  if (action === 'cancel') {
    const body = parse(cancelSchema, raw);
    if (!body.ok) return body.answer;
    return json(
      200,
      sim.cancelOrder(order.orderId, body.value.reason, {
        ...(body.value.fullRefund === undefined ? {} : { fullRefund: body.value.fullRefund }),
      }),
    );
  }
  if (action === 'refund') {
    const body = parse(refundSchema, raw);
    if (!body.ok) return body.answer;
    return json(200, sim.refundOrder(order.orderId, 'full' in body.value ? 'full' : body.value.amount));
  }
  const body = parse(paramsSchema, raw);
  if (!body.ok) return body.answer;
  return json(200, sim.updateFulfillment({ ...body.value, orderId: order.orderId }));
};
