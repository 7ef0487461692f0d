// `node:http` for the Lambda bundles, loaded with `require` (lib/bundling.ts, BUILTIN_ALIASES). The specifier has no
// `node:` prefix so that the alias does not apply to it again.
module.exports = require('http');
