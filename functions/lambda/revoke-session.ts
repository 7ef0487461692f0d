/** Lambda entry of `revoke-session`: the handler built from the AWS container. */
import { fromDependencies } from '../handlers/revoke-session.js';
import { awsDependencies } from '../platform/aws-dependencies.js';

export const handler = fromDependencies(awsDependencies());
