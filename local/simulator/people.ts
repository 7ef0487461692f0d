/**
 * Fake but realistic-looking customers for seeding and for the `/_sim/` helpers. Every value is obviously
 * fictitious: example.com/example.net emails, 555-01xx phone numbers, documentation IP ranges.
 */
import type { Rng } from './random.js';
import type { Params } from './types.js';

const FIRST = [
  'Olivia',
  'Liam',
  'Emma',
  'Noah',
  'Ava',
  'Elijah',
  'Sophia',
  'James',
  'Isabella',
  'Lucas',
  'Mia',
  'Mason',
  'Amelia',
  'Ethan',
  'Harper',
  'Logan',
  'Evelyn',
  'Aiden',
  'Abigail',
  'Carter',
  'Ella',
  'Jayden',
  'Grace',
  'Diego',
  'Priya',
  'Wei',
  'Fatima',
  'Kenji',
  'Chloe',
  'Mateo',
];
const LAST = [
  'Smith',
  'Johnson',
  'Williams',
  'Brown',
  'Jones',
  'Garcia',
  'Miller',
  'Davis',
  'Rodriguez',
  'Martinez',
  'Hernandez',
  'Lopez',
  'Gonzalez',
  'Wilson',
  'Anderson',
  'Thomas',
  'Taylor',
  'Moore',
  'Jackson',
  'Martin',
  'Lee',
  'Nguyen',
  'Patel',
  'Kim',
  'Walker',
  'Young',
  'Allen',
  'King',
  'Wright',
  'Scott',
];
const STREETS = [
  'Maple Ave',
  'Oak St',
  'Pine Rd',
  'Cedar Ln',
  'Elm St',
  'Lakeview Dr',
  'Sunset Blvd',
  'Hillcrest Rd',
];
const PLACES: ReadonlyArray<[string, string, string]> = [
  ['Austin', 'TX', '787'],
  ['Denver', 'CO', '802'],
  ['Portland', 'OR', '972'],
  ['Columbus', 'OH', '432'],
  ['Raleigh', 'NC', '276'],
  ['Tampa', 'FL', '336'],
  ['Phoenix', 'AZ', '850'],
  ['Madison', 'WI', '537'],
  ['Boise', 'ID', '837'],
  ['Albany', 'NY', '122'],
];

/** Konnektive-named contact parameters for a made-up person; `n` keeps emails unique. */
export const fakePerson = (rng: Rng, n: number): Params => {
  const firstName = rng.pick(FIRST);
  const lastName = rng.pick(LAST);
  const [city, state, zip] = rng.pick(PLACES);
  return {
    firstName,
    lastName,
    emailAddress:
      `${firstName}.${lastName}.${n}@${rng.chance(0.5) ? 'example.com' : 'example.net'}`.toLowerCase(),
    phoneNumber: `555-01${rng.digits(2)}-${rng.digits(4)}`,
    address1: `${rng.int(10, 9999)} ${rng.pick(STREETS)}`,
    city,
    state,
    postalCode: `${zip}${rng.digits(2)}`,
    country: 'US',
    ipAddress: `${rng.pick(['192.0.2', '198.51.100', '203.0.113'])}.${rng.int(1, 254)}`,
  };
};
