/** Lambda entry of `monitor-streams`: the handler built from the AWS container. */
import { fromDependencies } from '../handlers/monitor-streams.js';
import { awsDependencies } from '../platform/aws-dependencies.js';

export const handler = fromDependencies(awsDependencies());
