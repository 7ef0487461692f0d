/** Lambda entry of `dispatch-polls`: the handler built from the AWS container. */
import { fromDependencies } from '../handlers/dispatch-polls.js';
import { awsDependencies } from '../shared/aws-dependencies.js';

export const handler = fromDependencies(awsDependencies());
