import { describe, expect, it } from 'vitest';
import { validateAppDefinition } from 'zapier-platform-schema';
import { at, compiledDefinition, fieldByKey, fields, isJson, type Json } from './support/definition.js';

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
      'New Order Event',
      'orderType',
      { NEW_SALE: 'New Sale', CANCELLED: 'Cancelled Order', NEW_LEAD: 'New Lead' },
    ],
    ['transaction', 'New Transaction Event', 'transactionType', { DECLINE: 'Decline', REFUND: 'Refund' }],
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
    expect(products.required).toBe(true);
    expect(fields(products.children).map((child) => child.key)).toEqual(['id', 'qty', 'price', 'shipPrice']);
    expect(fieldByKey(products.children, 'id')).toMatchObject({
      required: true,
      dynamic: 'campaign_product_list.id.name',
      // The editor keeps Product disabled until a campaign is chosen, and clears it when the campaign changes.
      dependsOn: ['campaignId'],
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

  it('links order and customer ID inputs to the searches (and the dropdowns Zapier requires beside them)', async () => {
    const creates = at(await compiledDefinition(), 'creates');
    const orderIds = [
      ['create_sale', false],
      ['create_lead', false],
      ['update_fulfillment', true],
      ['cancel_order', true],
    ] as const;
    for (const [key, required] of orderIds) {
      expect(fieldByKey(at(creates, key, 'operation', 'inputFields'), 'orderId'), key).toMatchObject({
        type: 'string',
        required,
        search: 'find_order.id',
        dynamic: 'order_list.id.name',
      });
    }
    for (const [key, required] of [
      ['create_sale', false],
      ['update_customer', true],
    ] as const) {
      expect(fieldByKey(at(creates, key, 'operation', 'inputFields'), 'customerId'), key).toMatchObject({
        type: 'integer',
        required,
        search: 'find_customer.id',
        dynamic: 'customer_list.id.name',
      });
    }
  });

  it('has the two searches with their optional inputs, and Find or Create Customer', async () => {
    const definition = await compiledDefinition();
    expect(Object.keys(at(definition, 'searches') as Json).sort()).toEqual(['find_customer', 'find_order']);
    const inputs = (key: string) =>
      fields(at(definition, 'searches', key, 'operation', 'inputFields')).map((f) => [f.key, f.required]);
    expect(inputs('find_order')).toEqual([
      ['orderId', false],
      ['emailAddress', false],
      ['phoneNumber', false],
    ]);
    expect(inputs('find_customer')).toEqual([
      ['emailAddress', false],
      ['phoneNumber', false],
    ]);
    expect(at(definition, 'searches', 'find_order', 'display', 'label')).toBe('Find Order');
    expect(at(definition, 'searches', 'find_customer', 'display', 'label')).toBe('Find Customer');
    expect(at(definition, 'searchOrCreates', 'find_customer')).toMatchObject({
      key: 'find_customer',
      search: 'find_customer',
      create: 'create_lead',
      display: { label: 'Find or Create Customer' },
    });
  });

  it('groups the long forms into sections and keeps every grouped field in a declared group', async () => {
    const creates = at(await compiledDefinition(), 'creates');
    const groupsOf = (key: string) =>
      fields(at(creates, key, 'operation', 'inputFieldGroups')).map((group) => group.key);
    expect(groupsOf('create_sale')).toEqual(['payment', 'billing', 'shipping', 'tracking']);
    expect(groupsOf('create_lead')).toEqual(['billing', 'shipping', 'tracking']);
    expect(groupsOf('update_fulfillment')).toEqual(['shipment', 'returns']);
    expect(groupsOf('update_customer')).toEqual(['billing', 'shipping', 'custom']);
    const sale = at(creates, 'create_sale', 'operation', 'inputFields');
    expect(fieldByKey(sale, 'cardNumber').group).toBe('payment');
    expect(fieldByKey(sale, 'address1').group).toBe('billing');
    expect(fieldByKey(sale, 'shipAddress1').group).toBe('shipping');
    expect(fieldByKey(sale, 'custom1').group).toBe('tracking');
    // Required inputs stay on top, outside the sections.
    for (const key of ['campaignId', 'products']) expect(fieldByKey(sale, key).group, key).toBeUndefined();
  });

  it('warns on Create New Sale that testing it charges a real card', async () => {
    const sale = fields(at(await compiledDefinition(), 'creates', 'create_sale', 'operation', 'inputFields'));
    const [first] = sale;
    expect(first).toMatchObject({ type: 'copy' });
    expect(String(first?.helpText)).toMatch(/charges the card for real/);
  });

  it('offers a Unique Source ID on the two creates that carry an Idempotency-Key, and only there', async () => {
    const creates = at(await compiledDefinition(), 'creates');
    for (const key of ['create_sale', 'create_lead']) {
      expect(fieldByKey(at(creates, key, 'operation', 'inputFields'), 'uniqueSourceId'), key).toMatchObject({
        label: 'Unique Source ID',
        type: 'string',
        required: false,
      });
    }
    for (const key of ['update_fulfillment', 'cancel_order', 'update_customer']) {
      const keys = fields(at(creates, key, 'operation', 'inputFields')).map((f) => f.key);
      expect(keys, key).not.toContain('uniqueSourceId');
    }
  });

  it('backs the dropdowns with hidden triggers, the campaign list paginated', async () => {
    const triggers = at(await compiledDefinition(), 'triggers');
    for (const key of ['campaign_list', 'campaign_product_list', 'order_list', 'customer_list']) {
      expect(at(triggers, key, 'display', 'hidden'), key).toBe(true);
    }
    expect(at(triggers, 'campaign_list', 'display', 'hidden')).toBe(true);
    expect(at(triggers, 'campaign_list', 'operation', 'canPaginate')).toBe(true);
    expect(at(triggers, 'campaign_product_list', 'display', 'hidden')).toBe(true);
    expect(
      fieldByKey(at(triggers, 'campaign_product_list', 'operation', 'inputFields'), 'campaignId').required,
    ).toBe(true);
  });
});
