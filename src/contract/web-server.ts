/**
 * What the lab's web server answers: the page at `/` naming the instance and Availability Zone
 * that served it, and `/load?seconds=N`, which keeps the instance's CPUs busy for N seconds so
 * the group scales out — for a caller with the stack's load token only (`LOAD_TOKEN`): anyone on
 * the internet could otherwise hold the group at its maximum, and the bill with it. The server
 * itself is PHP in `assets/user-data.sh` (the one place it lives); the product reads its page
 * (verify) and loads it (`load`), the sandbox serves the same answers, all from the definitions
 * here. A test holds the shipped script to them.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';

/** The page's labels, each followed by a space and its value (`Instance: i-…`). */
export const PAGE_LABELS = { instanceId: 'Instance:', az: 'Availability Zone:' } as const;

/** Which instance, in which AZ, a page names (either may be missing from a page that is not ours). */
export interface PageAnswer { instanceId?: string; az?: string }

/** PHP's `htmlspecialchars` (its PHP 8.1+ defaults), which `index.php` applies to both values. */
const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#039;' };
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);

/** The page at `/`, byte for byte as `index.php` renders it. */
export function instancePage(who: { instanceId: string; az: string }): string {
  return [
    '<html><head><title>asg-wizard</title></head><body>',
    '<h1>asg-wizard</h1>',
    `<p>${PAGE_LABELS.instanceId} ${escapeHtml(who.instanceId)}</p>`,
    `<p>${PAGE_LABELS.az} ${escapeHtml(who.az)}</p>`,
    '</body></html>',
    '',
  ].join('\n');
}

const INSTANCE_ID = 'i-[0-9a-f]{8,17}';
const AZ = '[a-z]{2}(?:-[a-z]+)+-\\d+[a-z]';
const quote = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Which instance and AZ a page names: ours by its labels first; then, for a page of the user's
 * own (`--user-data`), the usual wordings ("Instance ID i-…", "InstanceId: i-…", "Availability
 * Zone: ap-…-2a"), tags and all, and at last a bare id or AZ anywhere in it.
 */
export function parseInstancePage(body: string): PageAnswer {
  const text = body.replace(/<[^>]*>/g, ' ').replace(/&nbsp;/g, ' ');
  const ours = (label: string, value: string) => new RegExp(`${quote(label)} (${value})\\b`).exec(text)?.[1];
  const id = ours(PAGE_LABELS.instanceId, INSTANCE_ID)
    ?? new RegExp(`Instance(?:[\\s_-]*Id)?\\s*[:=]?\\s*(${INSTANCE_ID})\\b`, 'i').exec(text)?.[1]
    ?? /\b(i-[0-9a-f]{17}|i-[0-9a-f]{8})\b/.exec(text)?.[1];
  const az = ours(PAGE_LABELS.az, AZ)
    ?? new RegExp(`Availability[\\s_-]*Zone\\s*[:=]?\\s*(${AZ})\\b`, 'i').exec(text)?.[1]
    ?? /\b([a-z]{2}(?:-gov)?-[a-z]+-\d[a-z])\b/.exec(text)?.[1];
  return { ...(id ? { instanceId: id } : {}), ...(az ? { az } : {}) };
}

/** The load endpoint: `GET /load?seconds=N`, N a whole number of seconds within bounds. */
export const LOAD_ENDPOINT = { path: '/load', param: 'seconds', defaultSeconds: 60, minSeconds: 1, maxSeconds: 3600 } as const;

/** The answer to a `seconds` out of bounds or not a whole number (HTTP 400). */
export const LOAD_REFUSAL = `${LOAD_ENDPOINT.param} must be a whole number from ${LOAD_ENDPOINT.minSeconds} to ${LOAD_ENDPOINT.maxSeconds}\n`;

/** The answer to an accepted load request (HTTP 200; the load runs on in the background), naming the instance loaded. */
export function loadAccepted(seconds: number, instanceId: string): string {
  return `burning CPU for ${seconds} s on ${instanceId}\n`;
}

/** The instance an accepted load request loaded, read from its answer. */
export function parseLoadAccepted(body: string): { seconds: number; instanceId: string } | undefined {
  const m = /^burning CPU for (\d+) s on (\S+)$/m.exec(body);
  return m ? { seconds: Number(m[1]), instanceId: m[2]! } : undefined;
}

/**
 * The stack's load token: a random secret the launch template's user data writes on each
 * instance at boot (`file`), and which `/load` asks for in a request header (`header`; PHP reads
 * it as `phpKey`). A header, not the query string: load balancer access logs record query strings.
 */
export const LOAD_TOKEN = {
  header: 'X-Asg-Wizard-Load-Token',
  phpKey: 'HTTP_X_ASG_WIZARD_LOAD_TOKEN',
  file: '/etc/asg-wizard/load-token',
} as const;

/** The answer to a load request without the right token (HTTP 403). */
export const LOAD_CLOSED = "load is closed: only asg-wizard load, with this stack's token, may load this instance\n";

const TOKEN_RE = /^[0-9a-f]{48}$/;

/** A new load token (48 hex digits, 192 random bits). */
export function newLoadToken(): string {
  return randomBytes(24).toString('hex');
}

/** Whether a request may load the instance: its token is the one the instance keeps; else the 403. */
export function checkLoadToken(known: string | undefined, given: string | undefined): true | { status: 403; body: string } {
  if (!known || !given || known.length !== given.length || !timingSafeEqual(Buffer.from(known), Buffer.from(given))) return { status: 403, body: LOAD_CLOSED };
  return true;
}

/** The launch template's user data: it writes the load token where the web server reads it (root and apache only). */
export function loadTokenUserData(token: string): string {
  if (!TOKEN_RE.test(token)) throw new Error('internal error: a load token is 48 hex digits');
  return [
    '#!/bin/bash',
    "# asg-wizard: this stack's load token, which the web server's /load asks for (asg-wizard load sends it).",
    'set -eu',
    'install -d -m 0755 /etc/asg-wizard',
    `( umask 077; printf '%s' '${token}' > ${LOAD_TOKEN.file} )`,
    `chgrp apache ${LOAD_TOKEN.file} 2>/dev/null && chmod 0640 ${LOAD_TOKEN.file} || chmod 0644 ${LOAD_TOKEN.file}`,
    '',
  ].join('\n');
}

/** The load token a launch template's user data writes, if it writes one. */
export function parseLoadToken(userData: string | undefined): string | undefined {
  const m = /printf '%s' '([0-9a-f]{48})' > \/etc\/asg-wizard\/load-token/.exec(userData ?? '');
  return m?.[1];
}

/** What `/load` does with its `seconds` parameter (`null`: absent): how long to burn, or its 400 answer. */
export function readLoadSeconds(raw: string | null): { seconds: number } | { status: 400; body: string } {
  const value = raw ?? String(LOAD_ENDPOINT.defaultSeconds);
  const seconds = Number(value);
  if (!/^\d+$/.test(value) || seconds < LOAD_ENDPOINT.minSeconds || seconds > LOAD_ENDPOINT.maxSeconds) {
    return { status: 400, body: LOAD_REFUSAL };
  }
  return { seconds };
}
