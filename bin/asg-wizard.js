#!/usr/bin/env node
import * as nodeModule from 'node:module';

// The SDK's own switch for its Node 20 end-of-support notice: users of this CLI cannot act on it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// dist/ is a minified bundle: --debug's stack traces name src/ files through its source maps,
// which cost start-up time, so only then (and before the bundle loads, or its frames stay unmapped).
if (process.argv.includes('--debug')) process.setSourceMapsEnabled(true);
// Node >= 22.1 can keep V8's compiled code of the bundle between runs (in the OS temp dir), as
// tsc does; Node 20 has no such cache.
nodeModule.enableCompileCache?.();
const { main } = await import('../dist/cli.js');
await main(process.argv);
