/** The ops CLI finds a stage's tables, queues, bus and archive by logical id: checked against the synthesized stacks. */
import { beforeAll, describe, expect, it } from 'vitest';
import { TABLES, type TableKey } from '../../functions/adapters/dynamodb/tables.js';
import { resolveStageResources, type StackResource, StageResolutionError } from '../../scripts/ops/stage.js';
import { logicalIdOf, type SynthesizedApp, synthesize } from './support.js';

let synthesized: SynthesizedApp;
beforeAll(() => {
  synthesized = synthesize({}, { bundle: false });
});

/** What ListStackResources would list for a template: every resource, its physical id made up from its logical id. */
const listed = (template: SynthesizedApp['statefulTemplate']): StackResource[] =>
  Object.entries(template.toJSON().Resources as Record<string, { Type: string }>).map(([id, resource]) => ({
    LogicalResourceId: id,
    PhysicalResourceId: `physical-${id}`,
    ResourceType: resource.Type,
  }));

describe('resolveStageResources', () => {
  it('finds every table, queue, the bus and the archive of the synthesized stacks', () => {
    const { stateful, service } = synthesized;
    const resources = resolveStageResources(
      'test',
      listed(synthesized.statefulTemplate),
      listed(synthesized.serviceTemplate),
    );
    const physical = (construct: Parameters<typeof logicalIdOf>[0]) => `physical-${logicalIdOf(construct)}`;
    for (const key of Object.keys(TABLES) as TableKey[]) {
      expect(resources.tables[key]).toBe(physical(stateful.tables[key]));
    }
    expect(resources.queues).toEqual({
      delivery: physical(stateful.delivery.queue),
      deliveryDeadLetters: physical(stateful.delivery.deadLetterQueue),
      pollDeadLetters: physical(stateful.pollDeadLetters.pollDeadLetterQueue),
      scheduleDeadLetters: physical(stateful.pollDeadLetters.scheduleDeadLetterQueue),
      polls: physical(service.poller.pollQueue),
    });
    expect(resources.eventBusName).toBe(physical(stateful.eventBus));
    expect(resources.archiveName).toBe(physical(stateful.eventArchive));
  });

  it('says which resource is missing (a stack still being created, or another stack)', () => {
    expect(() => resolveStageResources('test', [], listed(synthesized.serviceTemplate))).toThrow(
      new StageResolutionError(
        `KonnektiveZapier-test-Stateful: expected one AWS::DynamoDB::Table ${TABLES.connections.id}…, found 0`,
      ),
    );
  });
});
