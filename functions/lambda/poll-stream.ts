/** Lambda entry of `poll-stream`: the handler built from the AWS container. */
import { fromDependencies } from '../handlers/poll-stream.js';
import { awsDependencies } from '../platform/aws-dependencies.js';

export const handler = fromDependencies(awsDependencies());
