#!/usr/bin/env node
// The SDK's own switch for its Node 20 end-of-support notice: users of this CLI cannot act on it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// The libraries that colour (inquirer's theme) decide when they load, from NO_COLOR: --no-color
// must say it before then.
if (process.argv.includes('--no-color')) process.env.NO_COLOR = '1';
const { main } = await import('../dist/cli.js');
await main(process.argv);
