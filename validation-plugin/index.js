// Entry point for cdk8s-cli, which `require`s local validation plugins as plain JavaScript
// (`package: ./validation-plugin` in cdk8s.yaml). tsx's scoped require compiles the TypeScript
// sources on the fly without installing a global loader in the CLI process.
const tsx = require('tsx/cjs/api');

module.exports = tsx.require('../lib/validation/cdk8s-plugin.ts', __filename);
