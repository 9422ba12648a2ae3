/**
 * What the lab's web server answers, as the product reads it and the sandbox serves it — and the
 * shipped assets/user-data.sh held to the same definitions, so the PHP and the TypeScript cannot
 * drift apart. PHP is not installed here: the test reads the script's PHP and renders its
 * `<?= $var ?>` and `"… $var …"` itself.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  checkLoadToken, instancePage, LOAD_CLOSED, LOAD_ENDPOINT, LOAD_REFUSAL, LOAD_TOKEN, loadAccepted, loadTokenUserData, newLoadToken,
  PAGE_LABELS, parseInstancePage, parseLoadAccepted, parseLoadToken, readLoadSeconds,
} from '../../src/contract/web-server.js';

const script = readFileSync(new URL('../../assets/user-data.sh', import.meta.url), 'utf8');

/** The text of the here-document `cat > <path> <<'PHP'` in the script. */
function heredoc(path: string): string {
  const m = new RegExp(`^cat > ${path.replace(/[.]/g, '\\.')} <<'PHP'\\n([\\s\\S]*?)\\nPHP$`, 'm').exec(script);
  if (!m) throw new Error(`assets/user-data.sh writes no ${path}`);
  return `${m[1]}\n`;
}

/** PHP's output of `template` (the text after its code block), its `<?= $name ?>` filled from `vars`. */
function renderPhp(template: string, vars: Record<string, string>): string {
  // PHP drops the one line break right after a closing tag.
  const after = template.slice(template.lastIndexOf('?>\n') + 3);
  return after.replace(/<\?= \$(\w+) \?>/g, (_, name: string) => {
    if (!(name in vars)) throw new Error(`the page prints $${name}, which the test does not know`);
    return vars[name]!;
  });
}

/** The double-quoted string a PHP `echo` prints, its `$name` filled from `vars` and `\n` unescaped. */
function phpEcho(code: string, pattern: RegExp, vars: Record<string, string>): string {
  const m = pattern.exec(code);
  if (!m) throw new Error(`no echo matching ${pattern}`);
  return m[1]!.replace(/\$(\w+)/g, (_, name: string) => vars[name] ?? `$${name}`).replace(/\\n/g, '\n');
}

describe('the page at /', () => {
  const who = { instanceId: 'i-0123456789abcdef0', az: 'ap-northeast-2a' };

  it('index.php in the shipped user data renders exactly the page the contract defines', () => {
    const php = heredoc('/var/www/html/index.php');
    expect(php).toMatch(/\$id = htmlspecialchars\(imds\('instance-id', \$token\)\);/);
    expect(php).toMatch(/\$az = htmlspecialchars\(imds\('placement\/availability-zone', \$token\)\);/);
    expect(renderPhp(php, { id: who.instanceId, az: who.az })).toBe(instancePage(who));
  });

  it('names the instance and the AZ after the contract\'s labels, and reads them back', () => {
    const page = instancePage(who);
    expect(page).toContain(`${PAGE_LABELS.instanceId} ${who.instanceId}`);
    expect(page).toContain(`${PAGE_LABELS.az} ${who.az}`);
    expect(parseInstancePage(page)).toEqual(who);
    // Ours is read by its exact labels before any looser wording ("instance i-…" comes first here).
    expect(parseInstancePage(`<p>The previous instance i-00000000 was replaced.</p>${page}`)).toEqual(who);
  });

  it.each([
    ['<tr><td>Instance ID</td><td>i-0abcdef1234567890</td></tr><tr><td>Availability Zone</td><td>us-east-1b</td></tr>', 'i-0abcdef1234567890', 'us-east-1b'],
    ['<p>InstanceId: i-12345678</p> Availability&nbsp;Zone: eu-west-3c', 'i-12345678', 'eu-west-3c'],
    ['served by i-0fedcba9876543210 in us-gov-west-1a', 'i-0fedcba9876543210', 'us-gov-west-1a'],
  ])('reads a page of the user\'s own too (%#)', (html, instanceId, az) => {
    expect(parseInstancePage(html)).toEqual({ instanceId, az });
  });

  it('an unrelated page yields nothing', () => {
    expect(parseInstancePage('<h1>It works!</h1>')).toEqual({});
  });

  it('escapes what it prints as htmlspecialchars does', () => {
    expect(instancePage({ instanceId: 'unknown', az: '<&"\'>' })).toContain('<p>Availability Zone: &lt;&amp;&quot;&#039;&gt;</p>');
  });
});

describe('the load endpoint', () => {
  const php = heredoc('/var/www/html/load.php');

  it('the shipped user data routes /load to load.php and reads the contract\'s parameter, default and bounds', () => {
    expect(script).toContain(`AliasMatch "^${LOAD_ENDPOINT.path}$" "/var/www/html/load.php"`);
    expect(php).toContain(`$raw = $_GET['${LOAD_ENDPOINT.param}'] ?? '${LOAD_ENDPOINT.defaultSeconds}';`);
    expect(php).toContain(`(int) $raw < ${LOAD_ENDPOINT.minSeconds} || (int) $raw > ${LOAD_ENDPOINT.maxSeconds}`);
    expect(php).toMatch(/if \(!preg_match\('\/\^\\d\+\$\/', \$raw\)/);
  });

  it('the shipped user data answers as the contract says', () => {
    expect(php).toMatch(/http_response_code\(400\);\s*echo "[^"]*";\s*exit;/);
    expect(phpEcho(php, /http_response_code\(400\);\s*echo "([^"]*)";/, {})).toBe(LOAD_REFUSAL);
    expect(phpEcho(php, /\n\$seconds = \(int\) \$raw;[\s\S]*echo "([^"]*)";\s*$/, { seconds: '120', id: 'i-0123456789abcdef0' })).toBe(loadAccepted(120, 'i-0123456789abcdef0'));
    expect(php).toContain("$id = imds('instance-id', imds_token());");
  });

  it('is closed without the stack\'s token: the shipped PHP reads the contract\'s header and file, compares in constant time, and refuses as the contract says', () => {
    expect(php).toContain(`$known = trim((string) @file_get_contents('${LOAD_TOKEN.file}'));`);
    expect(php).toContain(`$given = (string) ($_SERVER['${LOAD_TOKEN.phpKey}'] ?? '');`);
    expect(`HTTP_${LOAD_TOKEN.header.toUpperCase().replace(/-/g, '_')}`).toBe(LOAD_TOKEN.phpKey);
    expect(php).toContain("if ($known === '' || !hash_equals($known, $given)) {");
    expect(phpEcho(php, /http_response_code\(403\);\s*echo "([^"]*)";/, {})).toBe(LOAD_CLOSED);
    // The refusal comes before anything else is read or run.
    expect(php.indexOf('http_response_code(403)')).toBeLessThan(php.indexOf("$raw = $_GET"));
  });

  it('the launch template\'s user data writes the token where the PHP reads it, and the token is read back from it', () => {
    const token = newLoadToken();
    expect(token).toMatch(/^[0-9a-f]{48}$/);
    expect(newLoadToken()).not.toBe(token);
    const ud = loadTokenUserData(token);
    expect(ud).toMatch(/^#!\/bin\/bash\n/);
    expect(ud).toContain(`> ${LOAD_TOKEN.file}`);
    expect(parseLoadToken(ud)).toBe(token);
    expect(parseLoadToken('#!/bin/bash\necho hi\n')).toBeUndefined();
    expect(() => loadTokenUserData("x'; rm -rf /; '")).toThrow();
  });

  it('checks a token exactly, and refuses when the instance keeps none', () => {
    const token = newLoadToken();
    expect(checkLoadToken(token, token)).toBe(true);
    expect(checkLoadToken(token, token.slice(0, -1) + (token.endsWith('0') ? '1' : '0'))).toEqual({ status: 403, body: LOAD_CLOSED });
    expect(checkLoadToken(token, undefined)).toEqual({ status: 403, body: LOAD_CLOSED });
    expect(checkLoadToken(undefined, token)).toEqual({ status: 403, body: LOAD_CLOSED });
    expect(checkLoadToken('', '')).toEqual({ status: 403, body: LOAD_CLOSED });
  });

  it.each([
    [null, { seconds: LOAD_ENDPOINT.defaultSeconds }],
    ['1', { seconds: 1 }],
    ['3600', { seconds: 3600 }],
    ['0060', { seconds: 60 }],
    ['0', { status: 400, body: LOAD_REFUSAL }],
    ['3601', { status: 400, body: LOAD_REFUSAL }],
    ['', { status: 400, body: LOAD_REFUSAL }],
    ['1.5', { status: 400, body: LOAD_REFUSAL }],
    ['-5', { status: 400, body: LOAD_REFUSAL }],
    [' 60', { status: 400, body: LOAD_REFUSAL }],
    ['1e3', { status: 400, body: LOAD_REFUSAL }],
  ])('seconds=%j → %j', (raw, answer) => {
    expect(readLoadSeconds(raw)).toEqual(answer);
  });

  it('says its bounds in its refusal', () => {
    expect(LOAD_REFUSAL).toBe('seconds must be a whole number from 1 to 3600\n');
    expect(loadAccepted(300, 'i-0123456789abcdef0')).toBe('burning CPU for 300 s on i-0123456789abcdef0\n');
    expect(parseLoadAccepted(loadAccepted(300, 'i-0123456789abcdef0'))).toEqual({ seconds: 300, instanceId: 'i-0123456789abcdef0' });
  });
});
