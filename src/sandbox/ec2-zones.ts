/**
 * Zones. Beside its availability zones an account sees the Local Zones and Wavelength Zones it
 * opted in to: `DescribeAvailabilityZones` lists them too (ZoneType `local-zone`,
 * `wavelength-zone`; OptInStatus `opted-in`), and `AllAvailabilityZones` adds those not opted
 * in. Their names sort before the AZs' (`us-west-2-lax-1a` < `us-west-2a`), so a tool that
 * takes the first names of the list lands in a Local Zone unless it filters `zone-type`.
 * Subnets may be created in an opted-in zone, as on AWS.
 */
import type { AvailabilityZone, DescribeAvailabilityZonesRequest } from '@aws-sdk/client-ec2';
import { ec2Error } from './errors.js';
import { matchesFilters } from './ec2-common.js';
import type { Handler, World, ZoneRecord } from './types.js';

/** Real zones where we know them; elsewhere the same shapes with a made-up city code. */
const KNOWN: Record<string, { local: [string, string]; wavelength: [string, string]; notOptedIn: string }> = {
  'us-west-2': { local: ['lax-1a', 'usw2-lax1-az1'], wavelength: ['wl1-las-wlz-1', 'usw2-wl1-las-wlz1'], notOptedIn: 'den-1a' },
  'us-east-1': { local: ['bos-1a', 'use1-bos1-az1'], wavelength: ['wl1-bos-wlz-1', 'use1-wl1-bos-wlz1'], notOptedIn: 'mia-1a' },
  'ap-northeast-2': { local: ['lcl-1a', 'apne2-lcl1-az1'], wavelength: ['wl1-sel-wlz-1', 'apne2-wl1-sel-wlz1'], notOptedIn: 'lcl-2a' },
};

function seedZones(w: World): ZoneRecord[] {
  const r = w.region;
  const prefix = w.azs[0]?.id.replace(/-az\d+$/, '') ?? r;
  const k = KNOWN[r] ?? { local: ['lcl-1a', `${prefix}-lcl1-az1`], wavelength: ['wl1-lcl-wlz-1', `${prefix}-wl1-lcl-wlz1`], notOptedIn: 'lcl-2a' };
  const parentZoneName = w.azs[0]!.name;
  // A Local Zone's group is its name without the letter (`us-west-2-lax-1`); a Wavelength Zone's
  // is its name (`us-east-1-wl1-bos-wlz-1`), per the API reference's AvailabilityZone.groupName.
  const local = (suffix: string, id: string, optInStatus: ZoneRecord['optInStatus']): ZoneRecord => ({
    name: `${r}-${suffix}`, id, type: 'local-zone', optInStatus, groupName: `${r}-${suffix.slice(0, -1)}`,
    borderGroup: `${r}-${suffix.slice(0, -1)}`, parentZoneName,
  });
  return [
    local(k.local[0], k.local[1], 'opted-in'),
    {
      name: `${r}-${k.wavelength[0]}`, id: k.wavelength[1], type: 'wavelength-zone', optInStatus: 'opted-in',
      groupName: `${r}-${k.wavelength[0]}`, borderGroup: `${r}-${k.wavelength[0]}`, parentZoneName,
    },
    local(k.notOptedIn, `${prefix}-${k.notOptedIn.slice(0, -1).replace('-', '')}-az1`, 'not-opted-in'),
  ];
}

/** The account's Local and Wavelength Zones (seeded on first use, so older files get them too). */
export function otherZones(w: World): ZoneRecord[] {
  w.otherZones ??= seedZones(w);
  return w.otherZones;
}

/** Where a subnet may go: the AZs and the opted-in Local / Wavelength Zones. */
export function subnetZones(w: World): { name: string; id: string }[] {
  return [...w.azs, ...otherZones(w).filter((z) => z.optInStatus === 'opted-in')];
}

interface ZoneRow {
  name: string;
  id: string;
  type: string;
  optIn: string;
  group: string;
  border: string;
  parent?: { name: string; id: string };
}

function rows(w: World, all: boolean): ZoneRow[] {
  const azs: ZoneRow[] = w.azs.map((a) => ({ name: a.name, id: a.id, type: 'availability-zone', optIn: 'opt-in-not-required', group: w.region, border: w.region }));
  const others: ZoneRow[] = otherZones(w)
    .filter((z) => all || z.optInStatus === 'opted-in')
    .map((z) => ({ name: z.name, id: z.id, type: z.type, optIn: z.optInStatus, group: z.groupName, border: z.borderGroup, parent: w.azs.find((a) => a.name === z.parentZoneName)! }));
  return [...azs, ...others];
}

const describeAvailabilityZones: Handler = (ctx, input: DescribeAvailabilityZonesRequest) => {
  const w = ctx.world;
  const known = rows(w, true);
  for (const name of input.ZoneNames ?? []) {
    if (!known.some((a) => a.name === name)) throw ec2Error('InvalidParameterValue', `Invalid availability zone: [${name}]`);
  }
  for (const id of input.ZoneIds ?? []) {
    if (!known.some((a) => a.id === id)) throw ec2Error('InvalidParameterValue', `Invalid availability zone: [${id}]`);
  }
  // Naming a zone lists it whether or not the account opted in to it.
  const named = !!(input.ZoneNames?.length || input.ZoneIds?.length);
  const zones = rows(w, input.AllAvailabilityZones === true || named).filter(
    (a) =>
      (!input.ZoneNames?.length || input.ZoneNames.includes(a.name)) &&
      (!input.ZoneIds?.length || input.ZoneIds.includes(a.id)) &&
      matchesFilters(input.Filters, {
        'zone-name': a.name, 'zone-id': a.id, state: 'available', 'region-name': w.region, 'zone-type': a.type,
        'opt-in-status': a.optIn, 'group-name': a.group, 'network-border-group': a.border,
        'parent-zone-name': a.parent?.name, 'parent-zone-id': a.parent?.id,
      }),
  );
  const AvailabilityZones: AvailabilityZone[] = zones.map((a) => ({
    ZoneName: a.name, ZoneId: a.id, State: 'available', RegionName: w.region, ZoneType: a.type,
    OptInStatus: a.optIn as AvailabilityZone['OptInStatus'], GroupName: a.group, NetworkBorderGroup: a.border, Messages: [],
    ...(a.parent ? { ParentZoneName: a.parent.name, ParentZoneId: a.parent.id } : {}),
  }));
  return { AvailabilityZones };
};

/** Handlers for zones. */
export const zoneHandlers: Record<string, Handler> = { DescribeAvailabilityZones: describeAvailabilityZones };
