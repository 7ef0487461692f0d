/** Lambda entry of `create-subscription`: the handler built from the AWS container. */
import { fromDependencies } from '../handlers/create-subscription.js';
import { awsDependencies } from '../platform/aws-dependencies.js';

export const handler = fromDependencies(awsDependencies());
