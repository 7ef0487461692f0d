/** Lambda entry of `delete-subscription`: the handler built from the AWS container. */
import { fromDependencies } from '../handlers/delete-subscription.js';
import { awsDependencies } from '../platform/aws-dependencies.js';

export const handler = fromDependencies(awsDependencies());
