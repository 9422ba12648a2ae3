/**
 * Files the package ships beside its code (package.json, assets/). They are found from wherever
 * this module runs: src/ under vitest, or a chunk of the bundle in dist/, at a depth the bundler
 * chooses — so never by a fixed number of `../`.
 */
import { existsSync, readFileSync } from 'node:fs';

let root: URL | undefined;

/** The URL of `path` inside the package: the nearest directory above this module with a package.json. */
export function packageFile(path: string): URL {
  if (!root) {
    let dir = new URL('./', import.meta.url);
    while (!existsSync(new URL('package.json', dir))) {
      const up = new URL('../', dir);
      if (up.href === dir.href) throw new Error(`cannot find the asg-wizard package: no package.json above ${import.meta.url}`);
      dir = up;
    }
    root = dir;
  }
  return new URL(path, root);
}

/** The package's version (package.json). */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { version: string }).version;
}
