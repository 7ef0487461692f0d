import { createRequire } from 'node:module';
import zapier, { defineApp } from 'zapier-platform-core';
import authentication from './authentication.js';
import cancelOrder from './creates/cancel-order.js';
import createLead from './creates/create-lead.js';
import createSale from './creates/create-sale.js';
import updateCustomer from './creates/update-customer.js';
import updateFulfillment from './creates/update-fulfillment.js';
import { afters, befores } from './middleware.js';
import findCustomer from './searches/find-customer.js';
import findOrder from './searches/find-order.js';
import campaignList from './triggers/campaign-list.js';
import campaignProductList from './triggers/campaign-product-list.js';
import order from './triggers/order.js';
import { customerList, orderList } from './triggers/search-pickers.js';
import transaction from './triggers/transaction.js';

// Read at run time rather than imported: package.json sits outside rootDir (src), and the same relative path works
// from src/ (tests) and dist/ (the built app).
const packageJson: unknown = createRequire(import.meta.url)('../package.json');
const version =
  typeof packageJson === 'object' && packageJson !== null && 'version' in packageJson
    ? String(packageJson.version)
    : '0.0.0';

/**
 * The Konnektive Zapier app: session auth, two instant triggers, five actions, two searches (one of them also a
 * find-or-create), and the hidden triggers behind the dropdowns.
 */
export default defineApp({
  version,
  platformVersion: zapier.version,

  authentication,
  beforeRequest: [...befores],
  afterResponse: [...afters],

  triggers: {
    [order.key]: order,
    [transaction.key]: transaction,
    [campaignList.key]: campaignList,
    [campaignProductList.key]: campaignProductList,
    [orderList.key]: orderList,
    [customerList.key]: customerList,
  },

  creates: {
    [createSale.key]: createSale,
    [createLead.key]: createLead,
    [updateFulfillment.key]: updateFulfillment,
    [cancelOrder.key]: cancelOrder,
    [updateCustomer.key]: updateCustomer,
  },

  searches: {
    [findOrder.key]: findOrder,
    [findCustomer.key]: findCustomer,
  },

  searchOrCreates: {
    // Zapier requires the key of a search-or-create to be its search's key.
    [findCustomer.key]: {
      key: findCustomer.key,
      display: {
        label: 'Find or Create Customer',
        description:
          'Finds a customer by email address or phone number, or creates a lead (and so a customer) if none matches.',
      },
      search: findCustomer.key,
      create: createLead.key,
    },
  },
});
