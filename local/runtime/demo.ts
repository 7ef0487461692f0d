/**
 * `npm start -- --demo`: connect to the built-in simulator as a merchant would through Zapier, subscribe a local
 * hook receiver to all five triggers, then make realistic CRM traffic (leads, conversions, direct sales, declines,
 * refunds, cancellations) and show each delivery as it arrives.
 */
import { DEMO_USER } from '../simulator/index.js';
import { startHookReceiver } from './hook-receiver.js';
import type { RunningRuntime } from './runtime.js';

const TRIGGERS = [
  ['order', 'NEW_SALE'],
  ['order', 'NEW_LEAD'],
  ['order', 'CANCELLED'],
  ['transaction', 'DECLINE'],
  ['transaction', 'REFUND'],
] as const;

const DECLINE_CARD = '4000000000000002';

const api = async (runtime: RunningRuntime, method: string, path: string, body: unknown, token?: string) => {
  const response = await fetch(`${runtime.apiUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`${method} ${path} → ${response.status}: ${String(json.message)}`);
  return json;
};

const orderIdOf = (envelope: { result: string; message: unknown }) =>
  envelope.result === 'SUCCESS' && typeof envelope.message === 'object' && envelope.message
    ? String((envelope.message as { orderId?: unknown }).orderId)
    : undefined;

export const runDemo = async (runtime: RunningRuntime) => {
  const say = (message: string) => runtime.activity.emit({ kind: 'info', message });
  const sim = runtime.simulator?.sim;
  if (!sim) {
    say('demo needs the built-in simulator: unset KONNEKTIVE_API_URL');
    return;
  }
  const session = await api(runtime, 'POST', '/sessions', {
    loginId: DEMO_USER.loginId,
    password: DEMO_USER.password,
  });
  const token = String(session.token);
  say(`demo: connected as ${String(session.label)}`);
  const receiver = await startHookReceiver();
  receiver.onReceive = (hook) => {
    const payload = hook.body as Record<string, unknown>;
    const amount = payload.totalAmount ? ` $${String(payload.totalAmount)}` : '';
    const latency = ((hook.receivedAt - Date.parse(String(payload.occurredAt))) / 1000).toFixed(1);
    say(
      `⚡ hook ${String(payload.event).padEnd(21)} ${String(String(payload.event).startsWith('transaction.') ? payload.transactionId : payload.orderId)}${amount} · ${latency} s after it happened`,
    );
  };
  for (const [trigger, type] of TRIGGERS) {
    await api(
      runtime,
      'POST',
      '/subscriptions',
      { trigger, type, targetUrl: receiver.hook(`/${trigger}/${type}`) },
      token,
    );
  }
  say(
    `demo: hook receiver ${receiver.url} subscribed to all five triggers; making traffic every 2 s (Ctrl-C to stop)`,
  );

  const leads: string[] = [];
  const sales: string[] = [];
  let step = 0;
  const act = () => {
    step += 1;
    const choice = step % 6;
    if (choice === 1 || leads.length === 0) {
      const id = orderIdOf(sim.createLead());
      if (id) leads.push(id);
      return;
    }
    if (choice === 2) {
      const lead = leads.shift();
      const id = lead ? orderIdOf(sim.importOrder({ orderId: lead })) : undefined;
      if (id) sales.push(id);
      return;
    }
    if (choice === 3) {
      const id = orderIdOf(sim.importOrder());
      if (id) sales.push(id);
      return;
    }
    if (choice === 4) {
      sim.importOrder({ cardNumber: DECLINE_CARD, cardSecurityCode: '123' });
      return;
    }
    if (choice === 5 && sales.length > 0) {
      const sale = sales.shift();
      if (sale) sim.refundOrder(sale, 'full');
      return;
    }
    const sale = sales.shift();
    if (sale) sim.cancelOrder(sale, 'Customer asked to cancel');
  };
  const timer = setInterval(act, 2_000);
  act();
  process.once('SIGINT', () => clearInterval(timer));
  process.once('SIGTERM', () => clearInterval(timer));
};
