#!/usr/bin/env node
// The CLI module switches off the SDK's Node-version notice itself (src/sdk-notice.ts), for every entry.
const { main } = await import('../dist/cli.js');
await main(process.argv);
