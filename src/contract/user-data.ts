/**
 * The bake's completion signal: what the product adds to any user data, and what the sandbox
 * reads back to simulate it. Both sides agree here, and only here.
 *
 * Whatever the user data is (the shipped script, a user's shell script, cloud-config, a MIME
 * multipart), the product adds a last step that writes one line, `ASG_WIZARD_USER_DATA_DONE
 * exit=<status>`, to the console and to `/asg-wizard-done.txt` on port 80. The console is read
 * live only on Nitro types (GetConsoleOutput `Latest`); on Xen types such as t2.micro EC2 posts
 * a buffered copy at state changes only, so the bake also GETs the file from the instance's
 * public IP (its group admits the caller on port 80). With no web server on port 80, the
 * signal serves the file itself (Amazon Linux 2023 has python3).
 *
 * A shell script is wrapped so that the signal carries its exit status (a failed script fails
 * the bake at once instead of baking a broken image); other formats become a MIME multipart
 * with the signal as its last shell part (`exit=-`: cloud-init reports no status to it).
 */
import { createHash } from 'node:crypto';

/** The signal's first word; the whole line is `ASG_WIZARD_USER_DATA_DONE exit=<status>`. */
export const USER_DATA_DONE_MARKER = 'ASG_WIZARD_USER_DATA_DONE';

/** Where on port 80 the signal is served. */
export const USER_DATA_DONE_PATH = '/asg-wizard-done.txt';

/** First lines of a wrapped shell script and name of the signal's MIME part (the sandbox finds them by these). */
const SHELL_HEADER = '# asg-wizard: user data wrapped with its completion signal (v1)';
const SIGNAL_PART = 'zz-asg-wizard-done.sh';

/** What the signal says: finished, with the script's exit status (undefined when unknown). */
export interface DoneSignal { exit: number | undefined }

/** The signal line for an exit status (`-`: unknown). */
export function signalLine(exit: number | '-'): string {
  return `${USER_DATA_DONE_MARKER} exit=${exit}`;
}

/** The last signal in `text` (console output, an HTTP body), or undefined when there is none. */
export function parseSignal(text: string): DoneSignal | undefined {
  const all = [...text.matchAll(new RegExp(`${USER_DATA_DONE_MARKER} exit=(\\d+|-)(?![\\w$])`, 'g'))];
  const last = all.at(-1);
  if (!last) return undefined;
  return { exit: last[1] === '-' ? undefined : Number(last[1]) };
}

/** cloud-init's formats by their first line, with the MIME type of each. */
const FORMATS: [RegExp, string][] = [
  [/^#cloud-config\b/, 'text/cloud-config'],
  [/^#include(-once)?\b/, 'text/x-include-url'],
  [/^#cloud-boothook\b/, 'text/cloud-boothook'],
  [/^#part-handler\b/, 'text/part-handler'],
  [/^#upstart-job\b/, 'text/upstart-job'],
  [/^## template: jinja\b/, 'text/jinja2'],
];

/** How cloud-init reads the user data: a script, a MIME multipart, another of its formats, or nothing it runs. */
export function userDataFormat(text: string): { kind: 'shell' } | { kind: 'mime'; boundary: string } | { kind: 'part'; contentType: string } | { kind: 'unknown' } {
  if (text.startsWith('#!')) return { kind: 'shell' };
  const mime = /^(?:[\w-]+:.*\r?\n)*?Content-Type:\s*multipart\/[\w-]+;[^\n]*boundary="?([^"\r\n;]+)"?/i.exec(text);
  if (mime) return { kind: 'mime', boundary: mime[1]! };
  for (const [re, contentType] of FORMATS) if (re.test(text)) return { kind: 'part', contentType };
  return { kind: 'unknown' };
}

/** A here-document delimiter that no line of `body` equals. */
function delimiter(prefix: string, body: string): string {
  const lines = new Set(body.split(/\r?\n/));
  let d = `${prefix}_${createHash('sha256').update(body).digest('hex').slice(0, 12)}`;
  while (lines.has(d)) d += '_';
  return d;
}

function heredoc(path: string, body: string, prefix: string): string[] {
  const d = delimiter(prefix, body);
  return [`cat > ${path} <<'${d}'`, body.endsWith('\n') ? body.slice(0, -1) : body, d];
}

/**
 * The signal itself (bash): the line to the console and the log, the file into the usual web
 * roots, and — when nothing on port 80 serves it — a small server of its own. `$1` is the status.
 */
const SIGNAL_FUNCTION = [
  'asgw_signal() {',
  `  local line="${USER_DATA_DONE_MARKER} exit=$1"`,
  '  echo "$line" > /dev/console 2>/dev/null || true',
  '  echo "$line"',
  '  for root in /var/www/html /usr/share/nginx/html; do',
  `    if [ -d "$root" ]; then echo "$line" > "$root${USER_DATA_DONE_PATH}"; fi`,
  '  done',
  `  if ! curl -fsS --max-time 3 "http://127.0.0.1${USER_DATA_DONE_PATH}" 2>/dev/null | grep -qx "$line"; then`,
  '    # No web server here (or not this file): serve the signal ourselves, for the bake to GET.',
  `    mkdir -p /run/asg-wizard && echo "$line" > "/run/asg-wizard${USER_DATA_DONE_PATH}"`,
  '    nohup python3 -m http.server 80 --bind 0.0.0.0 --directory /run/asg-wizard > /dev/null 2>&1 &',
  '  fi',
  '}',
];

/** Runs the monitoring agent's install (`--monitoring-command`) after a successful user data. */
function monitoringLines(command: string | undefined, statusVar: string): string[] {
  if (!command) return [];
  return [
    `if [ "$${statusVar}" = 0 ]; then`,
    '  mkdir -p /var/lib/asg-wizard',
    ...heredoc('/var/lib/asg-wizard/monitoring.sh', `${command.trim()}\n`, 'ASG_WIZARD_MONITORING'),
    `  bash /var/lib/asg-wizard/monitoring.sh; ${statusVar}=$?`,
    'fi',
  ];
}

/** A shell script wrapped: written to a file, run by its own interpreter, its status signalled. */
function wrapShell(script: string, monitoringCommand?: string): string {
  return [
    '#!/bin/bash',
    SHELL_HEADER,
    '# Your user data runs first, unchanged; then its exit status is signalled to the bake.',
    'mkdir -p /var/lib/asg-wizard',
    ...heredoc('/var/lib/asg-wizard/user-data', script, 'ASG_WIZARD_USER_DATA'),
    'chmod 700 /var/lib/asg-wizard/user-data',
    '/var/lib/asg-wizard/user-data',
    'asgw_exit=$?',
    ...monitoringLines(monitoringCommand, 'asgw_exit'),
    ...SIGNAL_FUNCTION,
    'asgw_signal "$asgw_exit"',
    'exit "$asgw_exit"',
    '',
  ].join('\n');
}

/** The signal as the last part of a MIME multipart (cloud-init runs user scripts in name order). */
function signalPart(boundary: string, monitoringCommand?: string): string {
  const script = [
    '#!/bin/bash',
    'asgw_exit=-',
    ...(monitoringCommand ? ['asgw_monitoring=0', ...monitoringLines(monitoringCommand, 'asgw_monitoring'), 'if [ "$asgw_monitoring" != 0 ]; then asgw_exit=$asgw_monitoring; fi'] : []),
    ...SIGNAL_FUNCTION,
    'asgw_signal "$asgw_exit"',
  ].join('\n');
  return [
    `--${boundary}`,
    'Content-Type: text/x-shellscript; charset="utf-8"',
    'MIME-Version: 1.0',
    'Content-Transfer-Encoding: 7bit',
    `Content-Disposition: attachment; filename="${SIGNAL_PART}"`,
    '',
    script,
    '',
  ].join('\n');
}

/**
 * The user data with the completion signal added (see the module comment). Throws a plain Error
 * saying why for user data cloud-init would not run (the caller names the flag).
 */
export function wrapUserData(userData: string, monitoringCommand?: string): string {
  const f = userDataFormat(userData);
  if (f.kind === 'shell') return wrapShell(userData, monitoringCommand);
  if (f.kind === 'mime') {
    const close = userData.lastIndexOf(`--${f.boundary}--`);
    if (close < 0) throw new Error(`the MIME multipart has no closing boundary --${f.boundary}--`);
    return `${userData.slice(0, close)}${signalPart(f.boundary, monitoringCommand)}${userData.slice(close)}`;
  }
  if (f.kind === 'part') {
    const boundary = `==ASGW_${createHash('sha256').update(userData).digest('hex').slice(0, 16)}==`;
    return [
      `Content-Type: multipart/mixed; boundary="${boundary}"`,
      'MIME-Version: 1.0',
      '',
      `--${boundary}`,
      `Content-Type: ${f.contentType}; charset="utf-8"`,
      'MIME-Version: 1.0',
      'Content-Transfer-Encoding: 7bit',
      'Content-Disposition: attachment; filename="user-data"',
      '',
      userData.endsWith('\n') ? userData : `${userData}\n`,
      signalPart(boundary, monitoringCommand),
      `--${boundary}--`,
      '',
    ].join('\n');
  }
  throw new Error('cloud-init runs neither it nor any part of it: begin with #! (a script), #cloud-config, #include, #cloud-boothook or a MIME multipart');
}

/** What a wrapped user data runs, as the sandbox needs to know it. */
export interface UnwrappedUserData {
  /** The user's own parts (the script, the cloud-config…), in order. */
  parts: { contentType: string; body: string }[];
  /** The status the signal will report for a script (its last top-level `exit N`, else 0); undefined for other formats. */
  exitStatus: number | undefined;
  monitoringCommand?: string;
}

function between(text: string, start: RegExp): { body: string; end: number } | undefined {
  const m = start.exec(text);
  if (!m) return undefined;
  const d = m[1]!;
  const from = m.index + m[0].length + 1;
  const to = text.indexOf(`\n${d}\n`, from - 1);
  if (to < 0) return undefined;
  return { body: `${text.slice(from, to)}\n`, end: to };
}

/** A script's exit status as the sandbox simulates it: its last top-level `exit N` line, else 0. */
function simulatedExit(script: string): number {
  const exits = [...script.matchAll(/^exit\s+(\d+)\s*$/gm)];
  return exits.length ? Number(exits.at(-1)![1]) : 0;
}

/** Reads back what `wrapUserData` made; undefined for user data without the signal. */
export function unwrapUserData(text: string): UnwrappedUserData | undefined {
  const f = userDataFormat(text);
  if (f.kind === 'shell') {
    if (!text.split('\n', 3).includes(SHELL_HEADER)) return undefined;
    const script = between(text, /^cat > \/var\/lib\/asg-wizard\/user-data <<'(ASG_WIZARD_USER_DATA_[^']+)'$/m);
    if (!script) return undefined;
    const monitoring = between(text, /^cat > \/var\/lib\/asg-wizard\/monitoring\.sh <<'(ASG_WIZARD_MONITORING_[^']+)'$/m);
    const exit = simulatedExit(script.body);
    return {
      parts: [{ contentType: 'text/x-shellscript', body: script.body }],
      exitStatus: exit,
      ...(monitoring ? { monitoringCommand: monitoring.body.trim() } : {}),
    };
  }
  if (f.kind !== 'mime') return undefined;
  const chunks = text.split(`--${f.boundary}`).slice(1);
  const parts: { contentType: string; body: string; name?: string }[] = [];
  for (const chunk of chunks) {
    if (chunk.startsWith('--')) break;
    const split = chunk.replace(/^\r?\n/, '').split(/\r?\n\r?\n/);
    const headers = split[0] ?? '';
    // The line break before the next boundary belongs to the boundary (RFC 2046).
    const body = split.slice(1).join('\n\n').replace(/\r?\n$/, '');
    const contentType = /^Content-Type:\s*([^;\s]+)/im.exec(headers)?.[1] ?? 'text/plain';
    const name = /filename="([^"]+)"/i.exec(headers)?.[1];
    parts.push({ contentType, body, ...(name ? { name } : {}) });
  }
  const signal = parts.find((p) => p.name === SIGNAL_PART);
  if (!signal) return undefined;
  const monitoring = between(signal.body, /^cat > \/var\/lib\/asg-wizard\/monitoring\.sh <<'(ASG_WIZARD_MONITORING_[^']+)'$/m);
  return {
    parts: parts.filter((p) => p !== signal).map((p) => ({ contentType: p.contentType, body: p.body })),
    exitStatus: undefined,
    ...(monitoring ? { monitoringCommand: monitoring.body.trim() } : {}),
  };
}
