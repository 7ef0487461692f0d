/** Every store-port contract, to run against one implementation. */
import { connectionStoreContract } from './connection-store.contract.js';
import { cursorStoreContract } from './cursor-store.contract.js';
import { deliveryMarkerStoreContract } from './delivery-marker-store.contract.js';
import { eventLedgerContract } from './event-ledger.contract.js';
import { idempotencyStoreContract } from './idempotency-store.contract.js';
import { subscriptionStoreContract } from './subscription-store.contract.js';
import type { StoresUnderTest } from './support.js';
import { tokenStoreContract } from './token-store.contract.js';

export const storeContracts = (stores: StoresUnderTest) => {
  connectionStoreContract(stores);
  tokenStoreContract(stores);
  subscriptionStoreContract(stores);
  cursorStoreContract(stores);
  eventLedgerContract(stores);
  deliveryMarkerStoreContract(stores);
  idempotencyStoreContract(stores);
};
