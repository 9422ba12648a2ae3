#!/usr/bin/env node
import * as nodeModule from 'node:module';

// The CLI module switches off the SDK's Node-version notice itself (src/sdk-notice.ts), for every entry.
// The libraries that colour (inquirer's theme) decide when they load, from NO_COLOR: --no-color
// must say it before then.
if (process.argv.includes('--no-color')) process.env.NO_COLOR = '1';
// dist/ is a minified bundle: --debug's stack traces name src/ files through its source maps,
// which cost start-up time, so only then (and before the bundle loads, or its frames stay unmapped).
if (process.argv.includes('--debug')) process.setSourceMapsEnabled(true);
// Node >= 22.1 can keep V8's compiled code of the bundle between runs (in the OS temp dir), as
// tsc does; Node 20 has no such cache.
nodeModule.enableCompileCache?.();
const { main } = await import('../dist/cli.js');
await main(process.argv);
