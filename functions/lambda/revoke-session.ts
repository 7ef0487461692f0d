/** Lambda entry of `revoke-session`: the handler built from the AWS container. */
import { fromDependencies } from '../handlers/revoke-session.js';
import { awsDependencies } from '../shared/aws-dependencies.js';

export const handler = fromDependencies(awsDependencies());
