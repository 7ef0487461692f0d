/** Lambda entry of `create-session`: the handler built from the AWS container. */
import { fromDependencies } from '../handlers/create-session.js';
import { awsDependencies } from '../platform/aws-dependencies.js';

export const handler = fromDependencies(awsDependencies());
