/**
 * The network questions: the VPC (the lab network, found or to be created, or one the account
 * has), a NAT gateway for a created lab network, and an existing VPC's subnets for each tier.
 * Each answer is checked where it is given: the load balancer's subnets must route to an
 * internet gateway and span two AZs; the instances' must span two AZs and be none of the load
 * balancer's; instances in public subnets are a warning the user must accept, else the tier is
 * asked again. Defaults are the stack's current values on a re-run.
 */
import type { AwsApi } from '../aws/api.js';
import type { Subnet, Vpc } from '../aws/ec2-network.js';
import { getPath, setPath, type PartialInput } from '../config/load.js';
import type { Choice, Prompter } from './prompter.js';
import type { StackDefaults } from './stack-defaults.js';

/** The select's value for "the lab network". */
export const LAB = '__lab__';

const given = (input: PartialInput, key: string) => getPath(input, key) !== undefined;

function vpcLabel(v: Vpc): string {
  return `${v.name ?? '(no name)'}  ${v.id}  ${v.cidr}${v.isDefault ? '  default VPC' : ''}`;
}

/** A subnet as a choice: id, AZ, CIDR and tier first (they tell subnets apart), its Name last (cut first on a narrow terminal). */
export function subnetLabel(s: Subnet): string {
  return `${s.id}  ${s.az}  ${s.cidr.padEnd(15)}  ${s.public ? 'public ' : 'private'}${s.name ? `  ${s.name}` : ''}`;
}

const azsOf = (ids: string[], subnets: Subnet[]) => new Set(subnets.filter((s) => ids.includes(s.id)).map((s) => s.az));

/** Subnets one per AZ, for the first `n` AZs (a default that leaves the others free). */
function onePerAz(subnets: Subnet[], n: number): Subnet[] {
  const seen = new Set<string>();
  const out: Subnet[] = [];
  for (const s of [...subnets].sort((a, b) => a.az.localeCompare(b.az) || a.cidr.localeCompare(b.cidr))) {
    if (seen.has(s.az) || seen.size >= n) continue;
    seen.add(s.az);
    out.push(s);
  }
  return out;
}

/** VPC: the lab network (found or to be created) or an existing VPC; then its subnets. */
export async function askNetwork(p: Prompter, aws: AwsApi, input: PartialInput, existing: StackDefaults = {}): Promise<void> {
  // Unattended, every answer here is its default, which the network step's detection derives
  // itself (the VPC named VPC-Lab, else a new lab network; subnets by their routes).
  if (!p.interactive) return;
  if (given(input, 'network.vpcId')) {
    await askSubnets(p, aws, input, getPath(input, 'network.vpcId') as string, existing);
    return;
  }
  const vpcName = (getPath(input, 'network.vpcName') as string | undefined) ?? 'VPC-Lab';
  const vpcs = await aws.network.listVpcs();
  const named = vpcs.find((v) => v.name === vpcName);
  const labOurs = named && named.tags['asg-wizard:stack'] !== undefined;
  const cidr = (getPath(input, 'network.vpcCidr') as string | undefined) ?? '10.0.0.0/16';
  const choices: Choice<string>[] = [
    ...(labOurs ? [] : [{ name: `Create the lab network ${vpcName} (${cidr})`, short: `new ${vpcName}`, value: LAB, description: 'a VPC with public and private subnets in two AZs, an internet gateway and route tables, made for you' }]),
    ...vpcs.map((v) => {
      const lab = v === named && labOurs;
      return { name: lab ? `${vpcLabel(v)}  (lab network, built by asg-wizard)` : vpcLabel(v), short: v.name ?? v.id, value: lab ? LAB : v.id };
    }),
  ];
  // A re-run keeps the stack's VPC; else the lab network (found or new).
  const current = existing.vpcId && vpcs.some((v) => v.id === existing.vpcId) ? (existing.vpcId === named?.id && labOurs ? LAB : existing.vpcId) : undefined;
  const choice = await p.select<string>({
    id: 'network.vpcId',
    message: 'VPC for the stack',
    help: 'Where everything is built. The lab network is made for you; a VPC of yours needs public subnets (routed to an internet gateway) and private ones, in two AZs.',
    choices,
    default: current ?? (named ? (labOurs ? LAB : named.id) : LAB),
  });
  if (choice === LAB) {
    if (!labOurs && !given(input, 'network.natGateway')) {
      const nat = await p.confirm({
        id: 'network.natGateway',
        message: 'Give the private subnets a NAT gateway?',
        help: 'Only if the instances must reach the internet themselves (the baked image needs nothing more); billed by the hour (about US$0.045–0.059/h) plus per GB.',
        default: false,
      });
      if (nat) setPath(input, 'network.natGateway', true);
    }
    return;
  }
  // A hand-made VPC of the lab's name is used as it is, like any existing VPC.
  setPath(input, 'network.vpcId', choice);
  await askSubnets(p, aws, input, choice, existing);
}

/** An existing VPC's subnets, tier by tier. */
async function askSubnets(p: Prompter, aws: AwsApi, input: PartialInput, vpcId: string, existing: StackDefaults): Promise<void> {
  const subnets = await aws.network.listSubnets(vpcId);
  if (!subnets.length) return; // detection reports the problem with the fix
  const inVpc = (ids: string[] | undefined) => (ids ?? []).filter((id) => subnets.some((s) => s.id === id));
  const publics = subnets.filter((s) => s.public);
  const privates = subnets.filter((s) => !s.public);
  if (!given(input, 'network.publicSubnets')) {
    // With private subnets to spare, every public one; in a VPC of public subnets only (a default
    // VPC), one per AZ in two AZs, leaving the rest to the instances.
    const keep = inVpc(existing.publicSubnets);
    const preselect = keep.length ? keep : privates.length ? publics.map((s) => s.id) : onePerAz(publics, 2).map((s) => s.id);
    const ids = await p.checkbox<string>({
      id: 'network.publicSubnets',
      message: 'Load balancer subnets (public, 2+ AZs)',
      help: 'The internet-facing load balancer sits here: only subnets routed to an internet gateway are offered; two AZs keep it up when one fails.',
      choices: publics.map((s) => ({ name: subnetLabel(s), short: s.name ?? s.id, value: s.id, checked: preselect.includes(s.id) })),
      validate: (v) => (azsOf(v, subnets).size >= 2 ? true : 'choose subnets in at least two Availability Zones (the load balancer needs two)'),
    });
    setPath(input, 'network.publicSubnets', ids);
  }
  if (given(input, 'network.privateSubnets')) return;
  const albSubnets = (getPath(input, 'network.publicSubnets') as string[] | undefined) ?? [];
  const keep = inVpc(existing.privateSubnets).filter((id) => !albSubnets.includes(id));
  const preselect = keep.length ? keep : privates.map((s) => s.id);
  for (;;) {
    const ids = await p.checkbox<string>({
      id: 'network.privateSubnets',
      message: 'Instance subnets (private, 2+ AZs)',
      help: 'The Auto Scaling group launches its instances here, reached only through the load balancer; private subnets keep them off the internet.',
      choices: subnets.map((s) => ({ name: subnetLabel(s), short: s.name ?? s.id, value: s.id, checked: preselect.includes(s.id) })),
      validate: (v) => {
        const shared = v.filter((id) => albSubnets.includes(id));
        if (shared.length) return `${shared.join(', ')} ${shared.length === 1 ? 'is' : 'are'} the load balancer's: choose subnets of their own for the instances`;
        return azsOf(v, subnets).size >= 2 ? true : 'choose subnets in at least two Availability Zones (the group spreads its instances over them)';
      },
    });
    const exposed = subnets.filter((s) => ids.includes(s.id) && s.public);
    if (exposed.length) {
      const ok = await p.confirm({
        id: 'network.publicInstances',
        message: `${exposed.length === ids.length ? 'All' : `${exposed.length} of ${ids.length}`} instance subnets are public. Use them anyway?`,
        help: `${exposed.map((s) => s.id).join(', ')} ${exposed.length === 1 ? 'routes' : 'route'} to an internet gateway: instances there get public addresses if the subnet gives them, one security group away from the internet (the lab puts them in private subnets).`,
        default: false,
      });
      if (!ok) continue;
    }
    setPath(input, 'network.privateSubnets', ids);
    return;
  }
}
