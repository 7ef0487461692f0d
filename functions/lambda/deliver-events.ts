/** Lambda entry of `deliver-events`: the handler built from the AWS container. */
import { fromDependencies } from '../handlers/deliver-events.js';
import { awsDependencies } from '../platform/aws-dependencies.js';

export const handler = fromDependencies(awsDependencies());
