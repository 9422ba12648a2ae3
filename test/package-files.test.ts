/** Shipped files are found from the running module, in src/ (here) as in the bundle (test/e2e/bundle.test.ts). */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { packageFile } from '../src/package-files.js';

describe('packageFile', () => {
  it('resolves inside the package root: the nearest directory above the module with a package.json', () => {
    const root = resolve(import.meta.dirname, '..');
    expect(fileURLToPath(packageFile('package.json'))).toBe(resolve(root, 'package.json'));
    expect((JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { name: string }).name).toBe('asg-wizard');
    expect(existsSync(packageFile('assets/user-data.sh'))).toBe(true);
  });
});
