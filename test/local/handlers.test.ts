/**
 * The local runtime takes its routes and workers from the function table the CDK deploys from, each built by the
 * same factory as its Lambda entry.
 */
import { describe, expect, it } from 'vitest';
import { API_HANDLERS, BACKGROUND_HANDLERS, HANDLER_NAMES } from '../../functions/handlers/catalog.js';
import { HANDLER_FACTORIES } from '../../functions/handlers/index.js';
import { buildLocalHandlers } from '../../local/runtime/handlers.js';
import { apiEvent, bodyOf, lambdaContext } from '../support/api-gateway.js';
import { fakeContainer } from '../support/fake-container.js';
import { createFakes } from '../support/fakes.js';

const localDependencies = () => fakeContainer(createFakes());

describe('local handlers', () => {
  it('serve exactly the routes of the function table', () => {
    const { routes } = buildLocalHandlers(localDependencies());
    expect(routes.map((route) => `${route.method} ${route.path}`).sort()).toEqual(
      Object.values(API_HANDLERS)
        .map((spec) => `${spec.method} ${spec.path}`)
        .sort(),
    );
  });

  it('run one worker per background source of the table', () => {
    const { background } = buildLocalHandlers(localDependencies());
    expect(Object.keys(background).sort()).toEqual(
      Object.values(BACKGROUND_HANDLERS)
        .map((spec) => spec.source)
        .sort(),
    );
    for (const lambda of Object.values(background)) expect(typeof lambda).toBe('function');
  });

  it('have a factory for every function of the table, and none more', () => {
    expect(Object.keys(HANDLER_FACTORIES).sort()).toEqual([...HANDLER_NAMES].sort());
  });

  it('answer through the real handler chain (the unauthenticated /me is a 401)', async () => {
    const { routes } = buildLocalHandlers(localDependencies());
    const me = routes.find((route) => route.path === '/me');
    if (!me) throw new Error('no /me route');
    const result = await me.handler(apiEvent({ method: 'GET', path: '/me' }), lambdaContext());
    expect(result.statusCode).toBe(401);
    expect(bodyOf(result)).toMatchObject({ code: 'UNAUTHORIZED' });
  });
});
