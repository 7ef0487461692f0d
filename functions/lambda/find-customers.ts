/** Lambda entry of `find-customers`: the handler built from the AWS container. */
import { fromDependencies } from '../handlers/find-customers.js';
import { awsDependencies } from '../platform/aws-dependencies.js';

export const handler = fromDependencies(awsDependencies());
