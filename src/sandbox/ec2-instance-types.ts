/**
 * EC2 instance types: what the region offers (`world.ec2.offeredInstanceTypes` in every AZ) and
 * what each type is (architecture, vCPUs, memory), derived from the type's name the way AWS's
 * families are laid out, so any well-formed t/m/c/r type is described.
 */
import { ec2Error } from './errors.js';
import { matchesFilters, page, type Filter } from './ec2-common.js';
import type { Handler } from './types.js';

export type Architecture = 'x86_64' | 'arm64';

interface TypeInfo {
  name: string;
  architectures: string[];
  vcpus: number;
  cores: number;
  threadsPerCore: number;
  memoryMiB: number;
  burstable: boolean;
  hypervisor: 'xen' | 'nitro';
  freeTier: boolean;
}

const TYPE_RE = /^([tmcr])(\d)([a-z]*)\.(nano|micro|small|medium|large|xlarge|(\d+)xlarge)$/;
const T_MEMORY: Record<string, number> = { nano: 512, micro: 1024, small: 2048, medium: 4096, large: 8192, xlarge: 16384, '2xlarge': 32768 };
const MIB_PER_VCPU: Record<string, number> = { m: 4096, c: 2048, r: 8192 };

/**
 * The architecture of an instance type: Graviton families carry a `g` right after the generation
 * digit (t4g, m7g, c7gn, r6gd); everything else here is x86_64.
 */
export function instanceTypeArchitecture(type: string): Architecture {
  return /^[a-z]+\d+g/.test(type) ? 'arm64' : 'x86_64';
}

/** What EC2 says about a type, or undefined for a name that is no instance type. */
export function instanceTypeInfo(type: string): TypeInfo | undefined {
  const m = TYPE_RE.exec(type);
  if (!m) return undefined;
  const [, family = '', gen = '', suffix = '', size = ''] = m;
  const arch = instanceTypeArchitecture(type);
  const t2 = family === 't' && gen === '2';
  let vcpus: number;
  let memoryMiB: number;
  if (family === 't') {
    if (!(size in T_MEMORY)) return undefined;
    memoryMiB = T_MEMORY[size]!;
    vcpus = size === 'xlarge' ? 4 : size === '2xlarge' ? 8 : t2 && ['nano', 'micro', 'small'].includes(size) ? 1 : 2;
  } else {
    if (['nano', 'micro', 'small'].includes(size) || (size === 'medium' && !suffix.startsWith('g'))) return undefined;
    vcpus = size === 'medium' ? 1 : size === 'large' ? 2 : size === 'xlarge' ? 4 : 4 * Number(m[5]);
    memoryMiB = vcpus * MIB_PER_VCPU[family]!;
  }
  // Graviton has no SMT; t2 predates Nitro and shows one thread per core.
  const threadsPerCore = arch === 'arm64' || t2 || vcpus === 1 ? 1 : 2;
  return {
    name: type,
    architectures: t2 ? ['i386', 'x86_64'] : [arch],
    vcpus,
    cores: vcpus / threadsPerCore,
    threadsPerCore,
    memoryMiB,
    burstable: family === 't',
    hypervisor: t2 ? 'xen' : 'nitro',
    freeTier: type === 't2.micro' || type === 't3.micro',
  };
}

function sdkType(info: TypeInfo) {
  return {
    InstanceType: info.name,
    CurrentGeneration: true,
    FreeTierEligible: info.freeTier,
    SupportedUsageClasses: ['on-demand', 'spot'],
    SupportedRootDeviceTypes: ['ebs'],
    SupportedVirtualizationTypes: ['hvm'],
    BareMetal: false,
    Hypervisor: info.hypervisor,
    ProcessorInfo: { SupportedArchitectures: info.architectures, SustainedClockSpeedInGhz: info.architectures.includes('arm64') ? 2.5 : 3.1 },
    VCpuInfo: { DefaultVCpus: info.vcpus, DefaultCores: info.cores, DefaultThreadsPerCore: info.threadsPerCore },
    MemoryInfo: { SizeInMiB: info.memoryMiB },
    InstanceStorageSupported: false,
    EbsInfo: { EbsOptimizedSupport: info.hypervisor === 'nitro' ? 'default' : 'unsupported', EncryptionSupport: 'supported', NvmeSupport: info.hypervisor === 'nitro' ? 'required' : 'unsupported' },
    NetworkInfo: {
      NetworkPerformance: info.burstable ? 'Up to 5 Gigabit' : 'Up to 12.5 Gigabit',
      MaximumNetworkInterfaces: Math.max(2, Math.min(8, info.vcpus + 1)),
      Ipv4AddressesPerInterface: 6,
      Ipv6Supported: true,
      EnaSupport: info.hypervisor === 'nitro' ? 'required' : 'unsupported',
    },
    PlacementGroupInfo: { SupportedStrategies: ['partition', 'spread'] },
    HibernationSupported: info.architectures.includes('x86_64'),
    BurstablePerformanceSupported: info.burstable,
    DedicatedHostsSupported: false,
    AutoRecoverySupported: true,
    SupportedBootModes: info.architectures.includes('arm64') ? ['uefi'] : ['legacy-bios', 'uefi'],
  };
}

/** DescribeInstanceTypes, DescribeInstanceTypeOfferings. */
export const instanceTypeHandlers: Record<string, Handler> = {
  DescribeInstanceTypes: (ctx, input: { InstanceTypes?: string[]; Filters?: Filter[]; MaxResults?: number; NextToken?: string }) => {
    let names: string[];
    if (input.InstanceTypes?.length) {
      const unknown = input.InstanceTypes.filter((t) => !instanceTypeInfo(t));
      if (unknown.length) throw ec2Error('InvalidInstanceType', `The following supplied instance types do not exist: [${unknown.join(', ')}]`);
      names = [...new Set(input.InstanceTypes)];
    } else names = ctx.world.ec2.offeredInstanceTypes;
    const infos = names.map((n) => instanceTypeInfo(n)).filter((i): i is TypeInfo => !!i).filter((i) =>
      matchesFilters(input.Filters, {
        'instance-type': i.name,
        'processor-info.supported-architecture': i.architectures,
        'current-generation': 'true',
        'free-tier-eligible': String(i.freeTier),
        'burstable-performance-supported': String(i.burstable),
        'vcpu-info.default-vcpus': String(i.vcpus),
        'memory-info.size-in-mib': String(i.memoryMiB),
        hypervisor: i.hypervisor,
      }),
    );
    const { items, nextToken } = page(infos, input.MaxResults, input.NextToken, { min: 5, max: 100 });
    return { InstanceTypes: items.map(sdkType), ...(nextToken ? { NextToken: nextToken } : {}) };
  },

  DescribeInstanceTypeOfferings: (ctx, input: { LocationType?: string; Filters?: Filter[]; MaxResults?: number; NextToken?: string }) => {
    const locationType = input.LocationType ?? 'region';
    const w = ctx.world;
    let locations: string[];
    if (locationType === 'region') locations = [w.region];
    else if (locationType === 'availability-zone') locations = w.azs.map((a) => a.name);
    else if (locationType === 'availability-zone-id') locations = w.azs.map((a) => a.id);
    else throw ec2Error('InvalidParameterValue', `Value ( ${locationType} ) for parameter locationType is invalid. Valid values: region, availability-zone, availability-zone-id`);
    const offerings = w.ec2.offeredInstanceTypes
      .flatMap((t) => locations.map((l) => ({ InstanceType: t, LocationType: locationType, Location: l })))
      .filter((o) => matchesFilters(input.Filters, { 'instance-type': o.InstanceType, location: o.Location }));
    const { items, nextToken } = page(offerings, input.MaxResults, input.NextToken, { min: 5, max: 1000 });
    return { InstanceTypeOfferings: items, ...(nextToken ? { NextToken: nextToken } : {}) };
  },
};
