/**
 * Imported first by the CLI module, so it runs before any AWS SDK module is loaded or any client
 * is built, whatever the entry (the `asg-wizard` bin, `npx`, or `import('asg-wizard/dist/cli.js')`).
 *
 * On Node 20 every SDK client prints an eight-line "NodeVersionSupportWarning" to stderr unless
 * `AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED` is exactly `true` (the SDK compares the
 * string). Users of this CLI cannot act on it, and it breaks "stderr holds progress only". A
 * value already present but not `true` (an empty export, `1`) would let it through: set it.
 */
const SWITCH = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';
if (process.env[SWITCH] !== 'true') process.env[SWITCH] = 'true';

export {};
