/** Lambda entry of `list-campaign-products`: the handler built from the AWS container. */
import { fromDependencies } from '../handlers/list-campaign-products.js';
import { awsDependencies } from '../platform/aws-dependencies.js';

export const handler = fromDependencies(awsDependencies());
