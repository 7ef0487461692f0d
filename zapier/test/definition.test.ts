import { describe, expect, it } from 'vitest';
import zapier from 'zapier-platform-core';
import { validateAppDefinition } from 'zapier-platform-schema';
import { App } from './support/app.js';

type Json = Record<string, unknown>;

const isJson = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const at = (value: unknown, ...path: (string | number)[]): unknown =>
  path.reduce<unknown>((node, key) => {
    if (Array.isArray(node) && typeof key === 'number') return node[key];
    return isJson(node) ? node[String(key)] : undefined;
  }, value);

const fields = (value: unknown): Json[] => (Array.isArray(value) ? value.filter(isJson) : []);

const fieldByKey = (list: unknown, key: string): Json => {
  const field = fields(list).find((candidate) => candidate.key === key);
  if (!field) throw new Error(`no field ${key}`);
  return field;
};

/**
 * The compiled, serialized definition exactly as `zapier-platform validate` and `push` see it: core's handler
 * compiles the app and replaces functions by `$func$…` pointers.
 */
const compiledDefinition = async (): Promise<Json> => {
  const createAppHandler: unknown = Reflect.get(zapier, 'createAppHandler');
  if (typeof createAppHandler !== 'function') throw new Error('zapier-platform-core has no createAppHandler');
  const handler: unknown = createAppHandler(App);
  if (typeof handler !== 'function') throw new Error('createAppHandler did not return a handler');
  const response: unknown = await handler({ command: 'definition' });
  const definition = at(response, 'results');
  if (!isJson(definition)) throw new Error('no definition in the handler response');
  return definition;
};

describe('app definition', () => {
  it('passes zapier-platform-schema validation with zero errors', async () => {
    const definition = await compiledDefinition();
    expect(validateAppDefinition(definition).errors).toEqual([]);
  });

  it('would be rejected by the same validation if it were broken (the check can fail)', async () => {
    const definition = await compiledDefinition();
    const broken = structuredClone(definition);
    const order = at(broken, 'triggers', 'order');
    if (!isJson(order)) throw new Error('no order trigger');
    delete order.noun;
    expect(validateAppDefinition(broken).errors.length).toBeGreaterThan(0);
  });

  it('uses session auth with loginId, password and an optional time zone', async () => {
    const auth = at(await compiledDefinition(), 'authentication');
    expect(at(auth, 'type')).toBe('session');
    expect(fieldByKey(at(auth, 'fields'), 'loginId')).toMatchObject({ type: 'string', required: true });
    expect(String(fieldByKey(at(auth, 'fields'), 'loginId').helpText)).toMatch(/API user.*whitelist/is);
    expect(fieldByKey(at(auth, 'fields'), 'password')).toMatchObject({ type: 'password', required: true });
    expect(fieldByKey(at(auth, 'fields'), 'timeZone')).toMatchObject({
      required: false,
      default: 'America/New_York',
    });
    expect(at(auth, 'connectionLabel')).toBe('{{loginId}}');
    expect(at(auth, 'sessionConfig', 'perform')).toMatch(/^\$func\$/);
    expect(at(auth, 'test')).toMatch(/^\$func\$/);
  });

  it.each([
    [
      'order',
      'Order',
      'orderType',
      { NEW_SALE: 'New Sale', CANCELLED: 'Cancelled Order', NEW_LEAD: 'New Lead' },
    ],
    ['transaction', 'Transaction', 'transactionType', { DECLINE: 'Decline', REFUND: 'Refund' }],
  ])(
    'has the %s REST-hook trigger with its required type choices',
    async (key, label, typeField, choices) => {
      const trigger = at(await compiledDefinition(), 'triggers', key);
      expect(at(trigger, 'display', 'label')).toBe(label);
      expect(at(trigger, 'display', 'hidden')).toBeFalsy();
      expect(at(trigger, 'operation', 'type')).toBe('hook');
      for (const member of ['performSubscribe', 'performUnsubscribe', 'perform', 'performList']) {
        expect(at(trigger, 'operation', member), member).toMatch(/^\$func\$/);
      }
      const typeInput = fieldByKey(at(trigger, 'operation', 'inputFields'), typeField);
      expect(typeInput.required).toBe(true);
      expect(
        fields(typeInput.choices).map((choice) => [choice.value, choice.label]),
        'choices in order',
      ).toEqual(Object.entries(choices));
    },
  );

  it('keeps static samples in step with output fields, with labels on every output field', async () => {
    const definition = await compiledDefinition();
    const operations = [
      ...['order', 'transaction'].map((key) => at(definition, 'triggers', key, 'operation')),
      ...['create_sale', 'create_lead', 'update_fulfillment', 'cancel_order', 'update_customer'].map((key) =>
        at(definition, 'creates', key, 'operation'),
      ),
    ];
    for (const operation of operations) {
      const outputs = fields(at(operation, 'outputFields'));
      const sample = at(operation, 'sample');
      expect(isJson(sample)).toBe(true);
      expect(Object.keys(sample as Json).sort()).toEqual(outputs.map((field) => String(field.key)).sort());
      for (const field of outputs) expect(field.label, String(field.key)).toEqual(expect.any(String));
    }
  });

  it('has the five creates with their labels', async () => {
    const creates = at(await compiledDefinition(), 'creates');
    expect(Object.keys(creates as Json).sort()).toEqual(
      ['cancel_order', 'create_lead', 'create_sale', 'update_customer', 'update_fulfillment'].sort(),
    );
    expect(at(creates, 'create_sale', 'display', 'label')).toBe('Create New Sale');
    expect(at(creates, 'create_lead', 'display', 'label')).toBe('Create Lead');
    expect(at(creates, 'update_fulfillment', 'display', 'label')).toBe('Update Fulfillment');
    expect(at(creates, 'cancel_order', 'display', 'label')).toBe('Cancel Order');
    expect(at(creates, 'update_customer', 'display', 'label')).toBe('Update Customer');
  });

  it('uses Konnektive parameter names, dynamic dropdowns and required flags on the create inputs', async () => {
    const creates = at(await compiledDefinition(), 'creates');
    const sale = at(creates, 'create_sale', 'operation', 'inputFields');
    expect(fieldByKey(sale, 'campaignId')).toMatchObject({
      required: true,
      dynamic: 'campaign_list.id.name',
    });
    expect(fieldByKey(sale, 'orderId').required).toBe(false);
    expect(fieldByKey(sale, 'cardNumber').type).toBe('password');
    expect(fieldByKey(sale, 'billShipSame').type).toBe('boolean');
    for (const key of ['firstName', 'lastName', 'emailAddress', 'phoneNumber', 'address1', 'shipAddress1']) {
      expect(fieldByKey(sale, key).key).toBe(key);
    }
    const products = fieldByKey(sale, 'products');
    expect(fields(products.children).map((child) => child.key)).toEqual(['id', 'qty', 'price', 'shipPrice']);
    expect(fieldByKey(products.children, 'id')).toMatchObject({
      required: true,
      dynamic: 'campaign_product_list.id.name',
    });

    const lead = at(creates, 'create_lead', 'operation', 'inputFields');
    expect(fieldByKey(lead, 'campaignId').required).toBe(true);
    expect(fieldByKey(lead, 'firstName').required).toBe(true);
    expect(fieldByKey(lead, 'lastName').required).toBe(true);

    const fulfillment = at(creates, 'update_fulfillment', 'operation', 'inputFields');
    expect(fieldByKey(fulfillment, 'orderId').required).toBe(true);
    expect(
      fields(fieldByKey(fulfillment, 'fulfillmentStatus').choices).map((choice) => choice.value),
    ).toEqual(['SHIPPED', 'RMA_PENDING', 'RETURNED', 'CANCELLED']);
    for (const key of ['trackingNumber', 'dateShipped', 'shipCarrier']) {
      expect(fieldByKey(fulfillment, key).required).toBe(false);
    }

    const cancel = at(creates, 'cancel_order', 'operation', 'inputFields');
    expect(fieldByKey(cancel, 'orderId').required).toBe(true);
    expect(fieldByKey(cancel, 'cancelReason').required).toBe(true);
    expect(fieldByKey(cancel, 'fullRefund')).toMatchObject({ type: 'boolean', default: 'false' });
    expect(fieldByKey(cancel, 'afterNextBill')).toMatchObject({ type: 'boolean', default: 'false' });

    const customer = at(creates, 'update_customer', 'operation', 'inputFields');
    expect(fieldByKey(customer, 'customerId')).toMatchObject({ required: true, type: 'integer' });
    expect(fieldByKey(customer, 'emailAddress').required).toBe(false);
  });

  it('backs the dropdowns with hidden triggers, the campaign list paginated', async () => {
    const triggers = at(await compiledDefinition(), 'triggers');
    expect(at(triggers, 'campaign_list', 'display', 'hidden')).toBe(true);
    expect(at(triggers, 'campaign_list', 'operation', 'canPaginate')).toBe(true);
    expect(at(triggers, 'campaign_product_list', 'display', 'hidden')).toBe(true);
    expect(
      fieldByKey(at(triggers, 'campaign_product_list', 'operation', 'inputFields'), 'campaignId').required,
    ).toBe(true);
  });
});
