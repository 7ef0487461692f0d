/** Lambda entry of `dispatch-polls`: the handler built from the AWS container. */
import { fromDependencies } from '../handlers/dispatch-polls.js';
import { awsDependencies } from '../platform/aws-dependencies.js';

export const handler = fromDependencies(awsDependencies());
