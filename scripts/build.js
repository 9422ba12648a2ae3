#!/usr/bin/env node
// npm run build (after tsc has type-checked): bundles src/cli.ts with everything it imports, the
// dependencies included, into dist/ (with the library entries below). Why: Node spent most of a
// run's start-up finding, reading and compiling modules; one client package alone
// (@aws-sdk/client-ec2's CommonJS build, every EC2 command in one 2 MB file) cost ~0.6 s. The
// bundle holds only the commands the code sends, and each `await import()` in the source stays
// a chunk of its own, loaded when a command runs.
import { build, transform } from 'esbuild';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const OUT = resolve(ROOT, 'dist');

/**
 * Packages loaded from node_modules at run time instead of being bundled: any that reads its own
 * files (`__dirname`, `import.meta.url`, a native addon). Empty today; the build fails and names
 * the package when a bundled one does that (see `selfLocating` below).
 */
const EXTERNAL = [];

/**
 * Node modules that bundled CommonJS code requires as it loads but uses only on a path this CLI
 * never takes; they load on first use instead. commander requires child_process for executable
 * subcommands (this CLI has none): ~11 ms of a 120 ms start-up.
 */
const LAZY_BUILTINS = ['child_process'];

rmSync(OUT, { recursive: true, force: true });
const result = await build({
  absWorkingDir: ROOT,
  // The CLI, and the modules README.md tells users to import from the package (dist/<name>.js).
  entryPoints: { cli: 'src/cli.ts', 'notifications/classify': 'src/notifications/classify.ts' },
  outdir: OUT,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // The AWS SDK's packages name their ES build in "module" and have no "exports": without this,
  // esbuild takes "main" (one CommonJS file per client, which nothing can tree-shake).
  mainFields: ['module', 'main'],
  external: EXTERNAL,
  plugins: [packageSideEffects(), sdkSchemaKeys(), lazyBuiltins(LAZY_BUILTINS)],
  minify: true,
  // Names survive minifying: WizardError and commander's errors take theirs from their class,
  // and --debug stack traces name functions.
  keepNames: true,
  sourcemap: 'linked',
  sourcesContent: false,
  // CommonJS dependencies call require() for Node's own modules; an ES module has no require.
  banner: { js: "import { createRequire as __asgwRequire } from 'node:module'; const require = __asgwRequire(import.meta.url);" },
  metafile: true,
  logLevel: 'warning',
});

const problems = await selfLocating(result.metafile);
if (problems.length) {
  console.error(`build: bundled code that finds files beside itself, which are not beside it in dist/:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
// What each output holds and imports, for test/e2e/bundle.test.ts (not shipped: see "files").
writeFileSync(resolve(OUT, 'meta.json'), JSON.stringify(result.metafile));

/**
 * Honours a package's `"sideEffects": false` in files below a nested package.json. esbuild reads
 * the flag from the nearest package.json, and dual-format packages (tshy's dist/esm/package.json,
 * `{"type":"module"}` only) hide it: @inquirer/prompts then drags every prompt into the bundle,
 * the editor's iconv-lite tables (480 KB) included, though the code imports four of them.
 */
function packageSideEffects() {
  const declared = new Map();
  const sideEffectFree = (file) => {
    const m = /^(.*\/node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(file);
    if (!m) return false;
    const root = m[1];
    if (!declared.has(root)) {
      let value;
      try {
        value = JSON.parse(readFileSync(`${root}/package.json`, 'utf8')).sideEffects;
      } catch {
        value = undefined;
      }
      declared.set(root, value === false);
    }
    return declared.get(root);
  };
  return {
    name: 'package-side-effects',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData?.packageSideEffects) return undefined;
        const r = await build.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, with: args.with, pluginData: { packageSideEffects: true } });
        if (r.errors.length || r.external || !sideEffectFree(r.path)) return undefined;
        return { ...r, sideEffects: false };
      });
    },
  };
}

/**
 * Lets esbuild drop the schemas of the commands nobody sends. An SDK client's schemas file
 * declares every shape of the service (EC2: 1.3 MB) as arrays whose trait objects use computed
 * keys (`{ [_xN]: "x" }`, `_xN` a string const); a computed key might run code, so esbuild keeps
 * all of them. Putting the const's string in its place makes the arrays pure; unused ones go.
 */
function sdkSchemaKeys() {
  return {
    name: 'sdk-schema-keys',
    setup(build) {
      build.onLoad({ filter: /[\\/]@aws-sdk[\\/][^\\/]+[\\/]dist-es[\\/](?:.*[\\/])?schemas[\\/][^\\/]+\.js$/ }, async (args) => {
        const text = readFileSync(args.path, 'utf8');
        const strings = new Map();
        for (const m of text.matchAll(/^const (_\w+) = ("(?:[^"\\\n]|\\.)*");$/gm)) strings.set(m[1], m[2]);
        const contents = text.replace(/\[(_\w+)\]:/g, (all, name) => (strings.has(name) ? `[${strings.get(name)}]:` : all));
        return { contents, loader: 'js' };
      });
    },
  };
}

/** `require('child_process')` in a dependency becomes an object that requires it on first use. */
function lazyBuiltins(names) {
  const filter = new RegExp(`^(node:)?(${names.join('|')})$`);
  return {
    name: 'lazy-builtins',
    setup(build) {
      build.onResolve({ filter }, (args) => {
        if (args.kind !== 'require-call' || !args.importer.includes('node_modules')) return undefined;
        return { path: args.path.replace(/^node:/, ''), namespace: 'lazy-builtin' };
      });
      build.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({
        contents: `let m; module.exports = new Proxy({}, { get: (_, key) => (m ??= require('node:${args.path}'))[key] });`,
        loader: 'js',
      }));
    },
  };
}

/**
 * Code in the bundle that locates itself (`__dirname`, `__filename`, `import.meta`,
 * `require.resolve`): moved into dist/, it would look for files in the wrong place, or throw (an
 * ES module has no `__dirname`). Dependencies go to EXTERNAL; our own code asks packageFile()
 * (src/package-files.ts, the one module allowed to). Comments do not count.
 */
async function selfLocating(metafile) {
  const used = new Set();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) if (bytesInOutput > 0) used.add(input);
  }
  const found = [];
  for (const input of used) {
    const dependency = /node_modules\/.*\.[cm]?js$/.test(input);
    if (!dependency && !(input.startsWith('src/') && input !== 'src/package-files.ts')) continue;
    const source = readFileSync(resolve(ROOT, input), 'utf8');
    const { code } = await transform(source, { loader: dependency ? 'js' : 'ts', minifyWhitespace: true, legalComments: 'none', logLevel: 'silent' });
    const hit = /\b__dirname\b|\b__filename\b|\bimport\.meta\b|\brequire\.resolve\b/.exec(code);
    if (hit) found.push(`${input} (${hit[0]}): ${dependency ? 'list its package in EXTERNAL in scripts/build.js (it is then loaded from node_modules)' : "use packageFile() from src/package-files.ts"}`);
  }
  return found;
}
