/**
 * The wizard's questions for `up`. Each `askX` fills one answer of the config (its id is the
 * config key) and returns at once when a flag or the config file already gave it. Every answer
 * is checked where it is given — against the schema, against the answers already given (min,
 * then max, then desired), and against AWS (the instance types offered in the region) — and
 * asked again with a reason in the question's own words. Defaults are the lab's values, or on a
 * re-run the stack's current ones; each question says in one line what it does in the lab.
 */
import type { AwsApi } from '../aws/api.js';
import { StackInput, SUBSCRIPTION_PROTOCOLS, endpointProblem } from '../config/schema.js';
import { getPath, setPath, type PartialInput } from '../config/load.js';
import type { Prompter, Validation } from './prompter.js';
import { askNetwork } from './network-questions.js';
import type { StackDefaults } from './stack-defaults.js';

export { askNetwork, subnetLabel } from './network-questions.js';

/** Validates one answer against the schema's rule for its own field (not the others'). */
export function validateKey(input: PartialInput, key: string, value: unknown): Validation {
  const trial: PartialInput = JSON.parse(JSON.stringify(input));
  setPath(trial, key, value);
  const r = StackInput.safeParse(trial);
  if (r.success) return true;
  const issue = r.error.issues.find((i) => i.path.join('.') === key && i.code !== 'custom');
  return issue ? issue.message : true;
}

const given = (input: PartialInput, key: string) => getPath(input, key) !== undefined;

/** A whole number in [lo, hi], else why not (in the question's words). */
function wholeIn(s: string, lo: number, hi: number, what: string): Validation {
  if (!/^\s*\d+\s*$/.test(s)) return `${what} is a whole number`;
  const n = Number(s);
  if (n < lo) return `${what} must be at least ${lo}`;
  if (n > hi) return `${what} must be at most ${hi}`;
  return true;
}

interface IntQuestion { key: string; message: string; help: string; def: number; check: (s: string) => Validation }

async function askInt(p: Prompter, input: PartialInput, q: IntQuestion): Promise<void> {
  if (given(input, q.key) || !p.interactive) return;
  const v = await p.input({ id: q.key, message: q.message, help: q.help, default: String(q.def), validate: q.check });
  setPath(input, q.key, Number(v));
}

const clamp = (n: number, lo: number, hi: number) => Math.min(Math.max(n, lo), hi);

/**
 * The group's sizes in the order they constrain one another: the minimum, then the maximum
 * (at least the minimum), then the desired capacity (between the two). A size given by flag
 * bounds the questions after it the same way.
 */
export async function askSizes(p: Prompter, input: PartialInput, existing: StackDefaults = {}): Promise<void> {
  const num = (key: string) => getPath(input, key) as number | undefined;
  const maxGiven = num('asg.maxSize');
  await askInt(p, input, {
    key: 'asg.minSize', message: 'Minimum instances', def: existing.minSize ?? 2,
    help: 'The group never runs fewer; the lab keeps 2, one per AZ, so one AZ failing leaves the site up.',
    check: (s) => {
      const whole = wholeIn(s, 0, 1000, 'the minimum');
      if (whole !== true) return whole;
      return maxGiven === undefined || Number(s) <= maxGiven ? true : `the minimum must be at most the maximum, ${maxGiven}`;
    },
  });
  const min = num('asg.minSize') ?? 2;
  await askInt(p, input, {
    key: 'asg.maxSize', message: 'Maximum instances', def: Math.max(existing.maxSize ?? 4, min, 1),
    help: 'Scaling out stops here: the most instances you pay for at once under load.',
    check: (s) => {
      const whole = wholeIn(s, 0, 1000, 'the maximum');
      if (whole !== true) return whole;
      return Number(s) >= Math.max(1, min) ? true : `the maximum must be at least ${min > 0 ? `the minimum, ${min}` : '1'}`;
    },
  });
  const max = num('asg.maxSize') ?? 4;
  await askInt(p, input, {
    key: 'asg.desiredCapacity', message: 'Desired instances now', def: clamp(existing.desiredCapacity ?? 2, min, max),
    help: 'How many run from the start; the scaling policy moves it between the minimum and the maximum afterwards.',
    check: (s) => {
      const whole = wholeIn(s, 0, 1000, 'the desired capacity');
      if (whole !== true) return whole;
      return Number(s) >= min && Number(s) <= max ? true : `the desired capacity must be between the minimum, ${min}, and the maximum, ${max}`;
    },
  });
}

/** The instance type: the schema's form, then offered in the region (AWS is asked). */
async function askInstanceType(p: Prompter, aws: AwsApi, input: PartialInput, region: string, existing: StackDefaults): Promise<void> {
  const key = 'instances.instanceType';
  if (given(input, key) || !p.interactive) return;
  const def = existing.instanceType ?? 't2.micro';
  const v = await p.input({
    id: key, message: 'Instance type', default: def,
    help: 'The size of each web server (the bake instance too); t2.micro is in the free tier and enough for the lab.',
    validate: async (s) => {
      const form = validateKey(input, key, s.trim());
      if (form !== true) return form;
      let where: string[];
      try {
        where = await aws.compute.instanceTypeOfferings(s.trim());
      } catch {
        return true; // a look-up that fails is not the answer's fault: the plan checks it again
      }
      return where.length ? true : `${s.trim()} is not offered in ${region}: choose another type (t3.micro is offered almost everywhere)`;
    },
  });
  setPath(input, key, v.trim());
}

/** The scaling policy's CPU target. */
async function askCpuTarget(p: Prompter, input: PartialInput, existing: StackDefaults): Promise<void> {
  const key = 'asg.cpuTarget';
  if (given(input, key) || given(input, 'asg.requestsPerTarget') || !p.interactive) return;
  const v = await p.input({
    id: key, message: 'Target average CPU %', default: String(existing.cpuTarget ?? 30),
    help: 'Target tracking adds instances when the group\'s average CPU rises above this, and removes them when it falls.',
    validate: (s) => {
      const n = Number(s);
      if (s.trim() === '' || !Number.isFinite(n)) return 'the target is a number of percent, such as 30';
      return n > 0 && n <= 100 ? true : 'the target must be above 0 and at most 100 (percent)';
    },
  });
  setPath(input, key, Number(v));
}

/** The SNS feedback hookup's subscription. */
async function askSubscription(p: Prompter, input: PartialInput): Promise<void> {
  if (getPath(input, 'notifications.enabled') === false || !p.interactive) return;
  if (given(input, 'notifications.protocol') || given(input, 'notifications.endpoint')) return;
  const protocol = await p.select<string>({
    id: 'notifications.protocol',
    message: 'Subscribe the Auto Scaling events topic',
    help: 'Launch and terminate events go to an SNS topic; a subscription delivers them (a monitor can then tell a scale-in from a crash).',
    choices: [{ name: 'no subscription for now', short: 'none', value: '' }, ...SUBSCRIPTION_PROTOCOLS.map((x) => ({ name: x, value: x }))],
    default: '',
  });
  if (!protocol) return;
  const endpoint = await p.input({
    id: 'notifications.endpoint',
    message: `${protocol} endpoint`,
    help: protocol === 'email' ? 'AWS sends a confirmation link there first; nothing is delivered until it is clicked.' : 'Where SNS delivers each event.',
    validate: (s) => endpointProblem(protocol, s) ?? true,
  });
  setPath(input, 'notifications.protocol', protocol);
  setPath(input, 'notifications.endpoint', endpoint);
}

/** All of `up`'s questions, in the lab's order. */
export async function askUp(p: Prompter, aws: AwsApi, input: PartialInput, region: string, existing: StackDefaults = {}): Promise<void> {
  await askNetwork(p, aws, input, existing);
  await askInstanceType(p, aws, input, region, existing);
  await askSizes(p, input, existing);
  await askCpuTarget(p, input, existing);
  await askSubscription(p, input);
}
