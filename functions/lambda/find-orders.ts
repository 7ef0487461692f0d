/** Lambda entry of `find-orders`: the handler built from the AWS container. */
import { fromDependencies } from '../handlers/find-orders.js';
import { awsDependencies } from '../platform/aws-dependencies.js';

export const handler = fromDependencies(awsDependencies());
