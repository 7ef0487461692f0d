/** Lambda entry of `get-me`: the handler built from the AWS container. */
import { fromDependencies } from '../handlers/get-me.js';
import { awsDependencies } from '../platform/aws-dependencies.js';

export const handler = fromDependencies(awsDependencies());
