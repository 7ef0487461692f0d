/** The store contracts against the in-memory fakes the core and handler tests use. */
import { beforeEach, describe } from 'vitest';
import { createFakes, type Fakes } from '../support/fakes.js';
import { storeContracts } from './index.js';

let fakes: Fakes;

beforeEach(() => {
  fakes = createFakes();
});

describe('in-memory fakes', () => {
  storeContracts(() => fakes);
});
