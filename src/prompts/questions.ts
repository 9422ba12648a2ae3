/**
 * The wizard's questions for `up`. Each `askX` fills one answer of the config (its id is the
 * config key) and returns at once when a flag or the config file already gave it. Choices come
 * from AWS (VPCs, subnets) with their Name, AZ and CIDR. Every answer is validated as typed by
 * the same schema that validates flags.
 */
import type { AwsApi } from '../aws/api.js';
import type { Subnet, Vpc } from '../aws/ec2-network.js';
import { StackInput, SUBSCRIPTION_PROTOCOLS, endpointProblem } from '../config/schema.js';
import { getPath, setPath, type PartialInput } from '../config/load.js';
import { NAT_COST } from '../steps/network.js';
import type { Prompter } from './prompter.js';

const LAB = '__lab__';

/** Validates one answer against the schema, as the flag would be. */
function validateKey(input: PartialInput, key: string, value: unknown): true | string {
  const trial: PartialInput = JSON.parse(JSON.stringify(input));
  setPath(trial, key, value);
  const r = StackInput.safeParse(trial);
  if (r.success) return true;
  const issue = r.error.issues.find((i) => i.path.join('.') === key);
  return issue ? issue.message : true;
}

function given(input: PartialInput, key: string): boolean {
  return getPath(input, key) !== undefined;
}

function vpcLabel(v: Vpc): string {
  return `${v.name ?? '(no name)'}  ${v.id}  ${v.cidr}${v.isDefault ? '  default VPC' : ''}`;
}

export function subnetLabel(s: Subnet): string {
  return `${(s.name ?? '(no name)').padEnd(18)} ${s.id}  ${s.az}  ${s.cidr.padEnd(15)} ${s.public ? 'public' : 'private'}`;
}

const azCount = (ids: string[], subnets: Subnet[]) => new Set(subnets.filter((s) => ids.includes(s.id)).map((s) => s.az)).size;

/** VPC: the lab network (found or to be created) or an existing VPC; then its subnets. */
export async function askNetwork(p: Prompter, aws: AwsApi, input: PartialInput): Promise<void> {
  // Unattended, every answer here is its default, which the network step's detection derives
  // itself (the VPC named VPC-Lab, else a new lab network; subnets by their routes).
  if (!p.interactive) return;
  if (given(input, 'network.vpcId')) {
    await askSubnets(p, aws, input, getPath(input, 'network.vpcId') as string);
    return;
  }
  const vpcName = (getPath(input, 'network.vpcName') as string | undefined) ?? 'VPC-Lab';
  const vpcs = await aws.network.listVpcs();
  const named = vpcs.find((v) => v.name === vpcName);
  const labOurs = named && named.tags['asg-wizard:stack'] !== undefined;
  const choices = [
    ...(labOurs ? [] : [{ name: `Create the lab network ${vpcName} (${(getPath(input, 'network.vpcCidr') as string) ?? '10.0.0.0/16'}: public and private subnets in two AZs)`, value: LAB }]),
    ...vpcs.map((v) => ({ name: v === named && labOurs ? `${vpcLabel(v)}  (lab network, built by asg-wizard)` : vpcLabel(v), value: v === named && labOurs ? LAB : v.id })),
  ];
  const choice = await p.select<string>({ id: 'network.vpcId', message: 'VPC for the stack', choices, default: named ? (labOurs ? LAB : named.id) : LAB });
  if (choice === LAB) {
    if (!labOurs && !given(input, 'network.natGateway')) {
      const nat = await p.confirm({ id: 'network.natGateway', message: `Give the private subnets a NAT gateway? (${NAT_COST})`, default: false });
      if (nat) setPath(input, 'network.natGateway', true);
    }
    return;
  }
  // A hand-made VPC of the lab's name is used as it is, like any existing VPC.
  setPath(input, 'network.vpcId', choice);
  await askSubnets(p, aws, input, choice);
}

async function askSubnets(p: Prompter, aws: AwsApi, input: PartialInput, vpcId: string): Promise<void> {
  const subnets = await aws.network.listSubnets(vpcId);
  if (!subnets.length) return; // detection reports the problem with the fix
  for (const [key, isPublic, what] of [['network.publicSubnets', true, 'load balancer (public)'], ['network.privateSubnets', false, 'instance (private)']] as const) {
    if (given(input, key)) continue;
    const pickable = isPublic ? subnets.filter((s) => s.public) : subnets;
    const preselect = isPublic ? pickable : subnets.filter((s) => !s.public);
    const ids = await p.checkbox<string>({
      id: key,
      message: `Subnets for the ${what} tier — at least two AZs`,
      choices: pickable.map((s) => ({ name: subnetLabel(s), value: s.id, checked: preselect.includes(s) })),
      validate: (v) => (azCount(v, subnets) >= 2 ? true : 'choose subnets in at least two Availability Zones'),
    });
    setPath(input, key, ids);
  }
}

async function askText(p: Prompter, input: PartialInput, key: string, message: string, def: string): Promise<void> {
  if (given(input, key) || !p.interactive) return;
  const v = await p.input({ id: key, message, default: def, validate: (s) => validateKey(input, key, s) });
  if (v !== def) setPath(input, key, v);
}

async function askInt(p: Prompter, input: PartialInput, key: string, message: string, def: number): Promise<void> {
  if (given(input, key) || !p.interactive) return;
  const v = await p.input({
    id: key, message, default: String(def),
    validate: (s) => (/^\d+$/.test(s.trim()) ? validateKey(input, key, Number(s)) : 'a whole number'),
  });
  if (Number(v) !== def) setPath(input, key, Number(v));
}

/** Sizes of the group, min ≤ desired ≤ max checked as the whole triple. */
async function askSizes(p: Prompter, input: PartialInput): Promise<void> {
  await askInt(p, input, 'asg.minSize', 'Minimum instances', 2);
  await askInt(p, input, 'asg.desiredCapacity', 'Desired instances', Math.max(2, (getPath(input, 'asg.minSize') as number) ?? 2));
  await askInt(p, input, 'asg.maxSize', 'Maximum instances', Math.max(4, (getPath(input, 'asg.desiredCapacity') as number) ?? 4));
}

/** The SNS feedback hookup's subscription. */
async function askSubscription(p: Prompter, input: PartialInput): Promise<void> {
  if (getPath(input, 'notifications.enabled') === false || !p.interactive) return;
  if (given(input, 'notifications.protocol') || given(input, 'notifications.endpoint')) return;
  const protocol = await p.select<string>({
    id: 'notifications.protocol',
    message: 'Subscribe the Auto Scaling events topic',
    choices: [{ name: 'no subscription for now', value: '' }, ...SUBSCRIPTION_PROTOCOLS.map((x) => ({ name: x, value: x }))],
    default: '',
  });
  if (!protocol) return;
  const endpoint = await p.input({
    id: 'notifications.endpoint',
    message: `${protocol} endpoint`,
    validate: (s) => endpointProblem(protocol, s) ?? true,
  });
  setPath(input, 'notifications.protocol', protocol);
  setPath(input, 'notifications.endpoint', endpoint);
}

/** All of `up`'s questions, in the lab's order. */
export async function askUp(p: Prompter, aws: AwsApi, input: PartialInput): Promise<void> {
  await askNetwork(p, aws, input);
  await askText(p, input, 'instances.instanceType', 'Instance type', 't2.micro');
  await askSizes(p, input);
  await askInt(p, input, 'asg.cpuTarget', 'Target average CPU % for scaling', 30);
  await askSubscription(p, input);
}
