/** Lambda entry of `get-openapi`: needs no AWS dependency, so it does not load the AWS container (cold start). */
import { fromDependencies } from '../handlers/get-openapi.js';

export const handler = fromDependencies();
