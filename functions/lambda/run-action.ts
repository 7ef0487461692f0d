/** Lambda entry of `run-action`: the handler built from the AWS container. */
import { fromDependencies } from '../handlers/run-action.js';
import { awsDependencies } from '../platform/aws-dependencies.js';

export const handler = fromDependencies(awsDependencies());
