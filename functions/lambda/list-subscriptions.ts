/** Lambda entry of `list-subscriptions`: the handler built from the AWS container. */
import { fromDependencies } from '../handlers/list-subscriptions.js';
import { awsDependencies } from '../platform/aws-dependencies.js';

export const handler = fromDependencies(awsDependencies());
