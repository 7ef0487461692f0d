/** Lambda entry of `list-campaigns`: the handler built from the AWS container. */
import { fromDependencies } from '../handlers/list-campaigns.js';
import { awsDependencies } from '../platform/aws-dependencies.js';

export const handler = fromDependencies(awsDependencies());
