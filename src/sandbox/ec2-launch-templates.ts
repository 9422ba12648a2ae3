/**
 * EC2 launch templates: numbered immutable versions, a default version that only
 * ModifyLaunchTemplate moves, and `$Default` / `$Latest` resolved at use. EC2 does not validate
 * the template data at creation (a bad AMI only fails the launch), so data is stored as given.
 */
import { ec2Error } from './errors.js';
import { checkTagSpecTypes, matchesFilters, page, sdkTags, tagsFor, type Filter } from './ec2-common.js';
import { checkDryRun, checkIdFormat, priorResult, rememberResult } from './ec2-compute-common.js';
import type { Handler, LaunchTemplateRecord, LaunchTemplateVersionRecord, SimContext } from './types.js';

const NAME_RE = /^[a-zA-Z0-9().\-/_]{3,128}$/;

/** How a caller names a template (RunInstances' `LaunchTemplate`, Auto Scaling's specification). */
export interface LaunchTemplateRef {
  LaunchTemplateId?: string;
  LaunchTemplateName?: string;
  Version?: string;
}

/** Finds a template by id or name, with EC2's not-found error for each. */
export function findLaunchTemplate(ctx: SimContext, ref: LaunchTemplateRef): LaunchTemplateRecord {
  const w = ctx.world;
  if (ref.LaunchTemplateId && ref.LaunchTemplateName) {
    throw ec2Error('InvalidParameterCombination', 'Specify either the launch template ID or the launch template name, but not both.');
  }
  if (ref.LaunchTemplateId) {
    checkIdFormat(ref.LaunchTemplateId, 'lt', 'InvalidLaunchTemplateId');
    const lt = w.ec2.launchTemplates.find((t) => t.id === ref.LaunchTemplateId);
    if (!lt) throw ec2Error('InvalidLaunchTemplateId.NotFound', `The specified launch template, with template ID ${ref.LaunchTemplateId}, does not exist.`);
    return lt;
  }
  if (ref.LaunchTemplateName) {
    const lt = w.ec2.launchTemplates.find((t) => t.name === ref.LaunchTemplateName);
    if (!lt) {
      throw ec2Error('InvalidLaunchTemplateName.NotFoundException', `The specified launch template, with template name ${ref.LaunchTemplateName}, does not exist.`);
    }
    return lt;
  }
  throw ec2Error('MissingParameter', 'The request must contain the parameter launchTemplateName or launchTemplateId');
}

/** One version of a template: `$Default`, `$Latest` or a number (default `$Default`). */
export function findVersion(lt: LaunchTemplateRecord, version: string | undefined): LaunchTemplateVersionRecord {
  const v = version ?? '$Default';
  const n = v === '$Default' ? lt.defaultVersion : v === '$Latest' ? lt.latestVersion : /^\d+$/.test(v) ? Number(v) : NaN;
  const rec = lt.versions.find((x) => x.number === n);
  if (!rec) {
    throw ec2Error('InvalidLaunchTemplateId.VersionNotFound', `Could not find launch template version ${v} for launch template ${lt.id}.`);
  }
  return rec;
}

/** The template and version a reference resolves to now (Auto Scaling resolves at each launch). */
export function resolveLaunchTemplate(ctx: SimContext, ref: LaunchTemplateRef) {
  const template = findLaunchTemplate(ctx, ref);
  return { template, version: findVersion(template, ref.Version) };
}

function createdBy(ctx: SimContext): string {
  return `arn:aws:iam::${ctx.world.accountId}:user/sandbox`;
}

function sdkTemplate(ctx: SimContext, lt: LaunchTemplateRecord) {
  return {
    LaunchTemplateId: lt.id,
    LaunchTemplateName: lt.name,
    CreateTime: new Date(lt.createdAt),
    CreatedBy: createdBy(ctx),
    DefaultVersionNumber: lt.defaultVersion,
    LatestVersionNumber: lt.latestVersion,
    ...(lt.tags.length ? { Tags: sdkTags(lt.tags) } : {}),
  };
}

function sdkVersion(ctx: SimContext, lt: LaunchTemplateRecord, v: LaunchTemplateVersionRecord) {
  return {
    LaunchTemplateId: lt.id,
    LaunchTemplateName: lt.name,
    VersionNumber: v.number,
    ...(v.description !== undefined ? { VersionDescription: v.description } : {}),
    CreateTime: new Date(v.createdAt),
    CreatedBy: createdBy(ctx),
    DefaultVersion: v.number === lt.defaultVersion,
    LaunchTemplateData: structuredClone(v.data),
  };
}

function checkData(data: unknown): Record<string, unknown> {
  if (!data || typeof data !== 'object') throw ec2Error('MissingParameter', 'The request must contain the parameter LaunchTemplateData');
  const specs = (data as { TagSpecifications?: { ResourceType?: string }[] }).TagSpecifications;
  checkTagSpecTypes(specs, ['instance', 'volume', 'network-interface', 'spot-instances-request']);
  return structuredClone(data as Record<string, unknown>);
}

function checkDescription(d: unknown): void {
  if (typeof d === 'string' && d.length > 255) throw ec2Error('InvalidParameterValue', 'Version description must be at most 255 characters.');
}

/** CreateLaunchTemplate, CreateLaunchTemplateVersion, ModifyLaunchTemplate, Describe…, DeleteLaunchTemplate. */
export const launchTemplateHandlers: Record<string, Handler> = {
  CreateLaunchTemplate: (ctx, input) => {
    checkDryRun(input);
    const prior = priorResult(ctx, 'CreateLaunchTemplate', input);
    const existing = prior && ctx.world.ec2.launchTemplates.find((t) => t.id === prior[0]);
    if (existing) return { LaunchTemplate: sdkTemplate(ctx, existing) };
    const name = String(input.LaunchTemplateName ?? '');
    if (!NAME_RE.test(name)) {
      throw ec2Error(
        'InvalidLaunchTemplateName.MalformedException',
        "A launch template name must be between 3 and 128 characters, and may contain letters, numbers, and the following characters: - ( ) . / _.'",
      );
    }
    if (ctx.world.ec2.launchTemplates.some((t) => t.name === name)) {
      throw ec2Error('InvalidLaunchTemplateName.AlreadyExistsException', `Launch template name already in use.`);
    }
    checkTagSpecTypes(input.TagSpecifications, ['launch-template']);
    checkDescription(input.VersionDescription);
    const data = checkData(input.LaunchTemplateData);
    const lt: LaunchTemplateRecord = {
      id: ctx.newId('lt'),
      name,
      defaultVersion: 1,
      latestVersion: 1,
      versions: [{ number: 1, createdAt: ctx.now, data, ...(input.VersionDescription !== undefined ? { description: input.VersionDescription } : {}) }],
      ...(input.ClientToken ? { clientToken: input.ClientToken } : {}),
      createdAt: ctx.now,
      tags: tagsFor(input.TagSpecifications, 'launch-template'),
    };
    ctx.world.ec2.launchTemplates.push(lt);
    rememberResult(ctx, 'CreateLaunchTemplate', input, [lt.id]);
    return { LaunchTemplate: sdkTemplate(ctx, lt) };
  },

  CreateLaunchTemplateVersion: (ctx, input) => {
    checkDryRun(input);
    const lt = findLaunchTemplate(ctx, input);
    const prior = priorResult(ctx, 'CreateLaunchTemplateVersion', input);
    const again = prior && lt.versions.find((v) => `${lt.id}:${v.number}` === prior[0]);
    if (again) return { LaunchTemplateVersion: sdkVersion(ctx, lt, again) };
    checkDescription(input.VersionDescription);
    let data = checkData(input.LaunchTemplateData);
    // A new version from a source inherits every parameter the request does not set.
    if (input.SourceVersion !== undefined) data = { ...structuredClone(findVersion(lt, String(input.SourceVersion)).data), ...data };
    const v: LaunchTemplateVersionRecord = {
      number: lt.latestVersion + 1,
      createdAt: ctx.now,
      data,
      ...(input.VersionDescription !== undefined ? { description: input.VersionDescription } : {}),
    };
    lt.versions.push(v);
    lt.latestVersion = v.number;
    rememberResult(ctx, 'CreateLaunchTemplateVersion', input, [`${lt.id}:${v.number}`]);
    return { LaunchTemplateVersion: sdkVersion(ctx, lt, v) };
  },

  ModifyLaunchTemplate: (ctx, input) => {
    checkDryRun(input);
    const lt = findLaunchTemplate(ctx, input);
    const wanted = input.DefaultVersion ?? input.SetDefaultVersion;
    if (wanted !== undefined) {
      if (!/^\d+$/.test(String(wanted))) {
        throw ec2Error('InvalidLaunchTemplateId.VersionNotFound', `Could not find launch template version ${String(wanted)} for launch template ${lt.id}.`);
      }
      lt.defaultVersion = findVersion(lt, String(wanted)).number;
    }
    return { LaunchTemplate: sdkTemplate(ctx, lt) };
  },

  DescribeLaunchTemplates: (ctx, input: { LaunchTemplateIds?: string[]; LaunchTemplateNames?: string[]; Filters?: Filter[]; MaxResults?: number; NextToken?: string }) => {
    let list = ctx.world.ec2.launchTemplates;
    if (input.LaunchTemplateIds?.length) {
      for (const id of input.LaunchTemplateIds) checkIdFormat(id, 'lt', 'InvalidLaunchTemplateId');
      const missing = input.LaunchTemplateIds.filter((id) => !list.some((t) => t.id === id));
      if (missing.length) throw ec2Error('InvalidLaunchTemplateId.NotFound', `At least one of the launch templates specified in the request does not exist.`);
      list = list.filter((t) => input.LaunchTemplateIds!.includes(t.id));
    }
    if (input.LaunchTemplateNames?.length) {
      const missing = input.LaunchTemplateNames.filter((n) => !list.some((t) => t.name === n));
      if (missing.length) {
        throw ec2Error('InvalidLaunchTemplateName.NotFoundException', 'At least one of the launch templates specified in the request does not exist.');
      }
      list = list.filter((t) => input.LaunchTemplateNames!.includes(t.name));
    }
    list = list.filter((t) =>
      matchesFilters(input.Filters, { 'launch-template-name': t.name, 'create-time': new Date(t.createdAt).toISOString() }, t.tags),
    );
    const { items, nextToken } = page(list, input.MaxResults, input.NextToken, { min: 1, max: 200 });
    return { LaunchTemplates: items.map((t) => sdkTemplate(ctx, t)), ...(nextToken ? { NextToken: nextToken } : {}) };
  },

  DescribeLaunchTemplateVersions: (ctx, input) => {
    const w = ctx.world;
    const wanted: string[] | undefined = input.Versions?.length ? input.Versions.map(String) : undefined;
    let rows: { lt: LaunchTemplateRecord; v: LaunchTemplateVersionRecord }[];
    if (input.LaunchTemplateId || input.LaunchTemplateName) {
      const lt = findLaunchTemplate(ctx, input);
      const versions = wanted ? [...new Set(wanted.map((x) => findVersion(lt, x)))] : [...lt.versions];
      rows = versions.map((v) => ({ lt, v }));
    } else {
      // Without a template, EC2 only answers `$Latest` / `$Default` across all templates.
      if (!wanted || wanted.some((x) => x !== '$Latest' && x !== '$Default')) {
        throw ec2Error('MissingParameter', 'The request must contain the parameter launchTemplateName or launchTemplateId');
      }
      rows = w.ec2.launchTemplates.flatMap((lt) => [...new Set(wanted.map((x) => findVersion(lt, x)))].map((v) => ({ lt, v })));
    }
    const min = input.MinVersion !== undefined ? Number(input.MinVersion) : -Infinity;
    const max = input.MaxVersion !== undefined ? Number(input.MaxVersion) : Infinity;
    rows = rows
      .filter(({ v }) => v.number >= min && v.number <= max)
      .filter(({ lt, v }) =>
        matchesFilters(input.Filters, {
          'image-id': typeof v.data.ImageId === 'string' ? v.data.ImageId : undefined,
          'instance-type': typeof v.data.InstanceType === 'string' ? v.data.InstanceType : undefined,
          'is-default-version': String(v.number === lt.defaultVersion),
          'create-time': new Date(v.createdAt).toISOString(),
        }),
      )
      .sort((a, b) => (a.lt.id === b.lt.id ? b.v.number - a.v.number : 0));
    const { items, nextToken } = page(rows, input.MaxResults, input.NextToken, { min: 1, max: 200 });
    return { LaunchTemplateVersions: items.map(({ lt, v }) => sdkVersion(ctx, lt, v)), ...(nextToken ? { NextToken: nextToken } : {}) };
  },

  DeleteLaunchTemplate: (ctx, input) => {
    checkDryRun(input);
    const lt = findLaunchTemplate(ctx, input);
    const list = ctx.world.ec2.launchTemplates;
    list.splice(list.indexOf(lt), 1);
    return { LaunchTemplate: sdkTemplate(ctx, lt) };
  },
};
