/** Lambda entry of `get-samples`: the handler built from the AWS container. */
import { fromDependencies } from '../handlers/get-samples.js';
import { awsDependencies } from '../platform/aws-dependencies.js';

export const handler = fromDependencies(awsDependencies());
