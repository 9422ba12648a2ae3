#!/usr/bin/env node
// The CLI module switches off the SDK's Node-version notice itself (src/sdk-notice.ts), for every entry.
// The libraries that colour (inquirer's theme) decide when they load, from NO_COLOR: --no-color
// must say it before then.
if (process.argv.includes('--no-color')) process.env.NO_COLOR = '1';
const { main } = await import('../dist/cli.js');
await main(process.argv);
