/**
 * Seeds a realistic mix of orders and transactions over a time range, through the same business logic as the
 * API (so every seeded record is one the API could have produced): leads that stay PARTIAL, leads converted to
 * sales, direct sales, hard and soft declines, partial and full refunds, cancellations (some with a refund) and
 * shipped fulfillments. Deterministic for a given seed.
 */
import type { Crm } from './crm.js';
import { fakePerson } from './people.js';
import { Rng } from './random.js';
import type { Params, SimEnvelope } from './types.js';
import { TEST_CARD_CVV, TEST_CARD_NUMBER } from './types.js';

export interface SeedRequest {
  count: number;
  from: Date;
  to: Date;
  seed: number;
}

export interface SeedSummary {
  orders: number;
  leads: number;
  sales: number;
  declines: number;
  refunds: number;
  cancellations: number;
  shipped: number;
  transactions: number;
}

/** A seeded operation the domain refused: a bug in the seeder, never expected. */
export class SeedError extends Error {
  constructor(operation: string, answer: SimEnvelope) {
    super(`Seeding failed on ${operation}: ${JSON.stringify(answer.message)}`);
    this.name = 'SeedError';
  }
}

const APPROVING_CARDS = ['4111111111111111', '5555555555554444'];

export const seedData = (crm: Crm, request: SeedRequest, personCounter: () => number): SeedSummary => {
  const rng = new Rng(request.seed);
  const from = request.from.getTime();
  const to = request.to.getTime();
  const span = Math.max(0, to - from);
  const summary: SeedSummary = {
    orders: 0,
    leads: 0,
    sales: 0,
    declines: 0,
    refunds: 0,
    cancellations: 0,
    shipped: 0,
    transactions: crm.store.transactions.size,
  };
  const declineCards = Object.entries(crm.options.declineCards);
  const campaigns = [...crm.campaigns.values()];
  const times = Array.from({ length: request.count }, () => from + Math.floor(rng.next() * (span + 1))).sort(
    (a, b) => a - b,
  );
  const later = (at: number, minMs: number, maxMs: number): number =>
    Math.min(to, at + minMs + Math.floor(rng.next() * (maxMs - minMs)));
  const must = (operation: string, answer: SimEnvelope): Record<string, unknown> => {
    if (answer.result !== 'SUCCESS' || typeof answer.message !== 'object' || answer.message === null) {
      throw new SeedError(operation, answer);
    }
    return answer.message as Record<string, unknown>;
  };

  for (const at of times) {
    const campaign = rng.pick(campaigns);
    const person = fakePerson(rng, personCounter());
    const products: Params = {};
    const lines = rng.chance(0.3) ? 2 : 1;
    for (let n = 1; n <= lines; n++) {
      products[`product${n}_id`] = String(rng.pick(campaign.products).campaignProductId);
      products[`product${n}_qty`] = String(rng.chance(0.2) ? 2 : 1);
    }
    const coupon =
      campaign.coupons.length > 0 && rng.chance(0.15) ? rng.pick(campaign.coupons).couponCode : undefined;
    const card = rng.chance(0.6) ? TEST_CARD_NUMBER : rng.pick(APPROVING_CARDS);
    const cardParams: Params = {
      paySource: 'CREDITCARD',
      cardNumber: card,
      cardMonth: String(rng.int(1, 12)).padStart(2, '0'),
      cardYear: String(new Date(to).getUTCFullYear() + rng.int(1, 5)),
      cardSecurityCode: card === TEST_CARD_NUMBER ? TEST_CARD_CVV : rng.digits(3),
    };
    const base: Params = { campaignId: String(campaign.campaignId), ...person };
    if (coupon) base.couponCode = coupon;
    const roll = rng.next();
    summary.orders++;

    if (roll < 0.18) {
      must('leads/import', crm.importLead(base, at));
      summary.leads++;
      continue;
    }
    let saleAt = at;
    let orderId: string | undefined;
    if (roll < 0.45 && rng.chance(0.6)) {
      orderId = String(must('leads/import', crm.importLead(base, at)).orderId);
      saleAt = later(at, 60_000, 90 * 60_000);
    }
    const sale: Params = { ...base, ...products, ...cardParams, ...(orderId ? { orderId } : {}) };
    if (roll >= 0.33 && roll < 0.45 && declineCards.length > 0) {
      const [declineCard] = rng.pick(declineCards);
      const answer = crm.importOrder({ ...sale, cardNumber: declineCard }, saleAt);
      if (answer.result !== 'ERROR') throw new SeedError('order/import (decline)', answer);
      summary.declines++;
      continue;
    }
    const order = must('order/import', crm.importOrder(sale, saleAt));
    summary.sales++;
    const saleOrderId = String(order.orderId);
    const follow = rng.next();
    if (follow < 0.08) {
      const cancelAt = later(saleAt, 3_600_000, 3 * 86_400_000);
      const fullRefund = rng.chance(0.5) ? '1' : '0';
      must(
        'order/cancel',
        crm.cancelOrder({ orderId: saleOrderId, cancelReason: 'Customer request', fullRefund }, cancelAt),
      );
      summary.cancellations++;
      if (fullRefund === '1') summary.refunds++;
    } else if (follow < 0.19 && Number(order.totalAmount) > 0) {
      const refundAt = later(saleAt, 3_600_000, 5 * 86_400_000);
      const full = follow >= 0.14;
      const total = Number(order.totalAmount);
      const amount = Math.max(0.01, Math.round(total * 0.3 * 100) / 100).toFixed(2);
      must(
        'order/refund',
        crm.refundOrder(
          { orderId: saleOrderId, ...(full ? { fullRefund: '1' } : { refundAmount: amount }) },
          refundAt,
        ),
      );
      summary.refunds++;
    } else if (follow < 0.55) {
      const shipAt = later(saleAt, 6 * 3_600_000, 2 * 86_400_000);
      const shipDate = new Date(shipAt);
      must(
        'fulfillment/update',
        crm.updateFulfillment(
          {
            orderId: saleOrderId,
            fulfillmentStatus: 'SHIPPED',
            trackingNumber: `1ZSIM${rng.digits(12)}`,
            dateShipped: `${shipDate.getUTCMonth() + 1}/${shipDate.getUTCDate()}/${shipDate.getUTCFullYear()}`,
            shipCarrier: 'UPS',
            shipMethod: 'Ground',
          },
          shipAt,
        ),
      );
      summary.shipped++;
    }
  }
  summary.transactions = crm.store.transactions.size - summary.transactions;
  return summary;
};
