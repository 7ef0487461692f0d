/** Lambda entry of `probe-contract`: the handler built from the AWS container. */
import { fromDependencies } from '../handlers/probe-contract.js';
import { awsDependencies } from '../platform/aws-dependencies.js';

export const handler = fromDependencies(awsDependencies());
