/**
 * EC2 launch templates: find by name, read a version, create the template or a new version,
 * move the default version. Versions are immutable, so a change is always a new version made
 * the default; creates carry a ClientToken derived from what is created, so a retried call (or
 * a rerun after a crash between the call and its answer) returns the first result.
 */
import { createHash } from 'node:crypto';
import {
  CreateLaunchTemplateCommand, CreateLaunchTemplateVersionCommand, CreateTagsCommand, DeleteLaunchTemplateCommand,
  DescribeLaunchTemplateVersionsCommand, DescribeLaunchTemplatesCommand, ModifyLaunchTemplateCommand, paginateDescribeLaunchTemplates,
  type Filter,
  type EC2Client, type LaunchTemplate as SdkTemplate, type LaunchTemplateVersion as SdkVersion, type RequestLaunchTemplateData,
} from '@aws-sdk/client-ec2';
import { awsCall, undefinedIfNotFound } from '../errors.js';
import { tagMap, type TagMap } from './tags.js';
import type { SdkTags } from './ec2-network.js';
import { AWS_PROPAGATION, NOT_YET, untilVisible, type PropagationPolicy } from './consistency.js';
import { parseLoadToken } from '../contract/web-server.js';

export interface LaunchTemplate { id: string; name: string; defaultVersion: number; latestVersion: number; tags: TagMap }

/** The parts of a version the tool manages (and compares). */
export interface LaunchTemplateVersion {
  number: number;
  description?: string;
  imageId?: string;
  instanceType?: string;
  securityGroupIds: string[];
  /** The instance profile by ARN (or by name, when the version names it so). */
  instanceProfile?: string;
  httpTokens?: string;
  httpEndpoint?: string;
  /** Whether its user data writes the stack's load token (the token itself is never read into a version). */
  hasLoadToken: boolean;
}

/** What a version should hold. */
export interface LaunchTemplateSpec {
  imageId: string;
  instanceType: string;
  securityGroupIds: string[];
  instanceProfileArn?: string;
  /** Tags the instances and their volumes get at launch (Name and the stack tag). */
  instanceTags: SdkTags;
  description?: string;
  /** Plain text; base64-encoded here, as EC2 wants it. */
  userData?: string;
}

function toTemplate(t: SdkTemplate): LaunchTemplate {
  return {
    id: t.LaunchTemplateId!, name: t.LaunchTemplateName!, defaultVersion: t.DefaultVersionNumber ?? 1,
    latestVersion: t.LatestVersionNumber ?? 1, tags: tagMap(t.Tags),
  };
}

function toVersion(v: SdkVersion): LaunchTemplateVersion {
  const d = v.LaunchTemplateData ?? {};
  const eni = d.NetworkInterfaces?.find((n) => (n.DeviceIndex ?? 0) === 0);
  const profile = d.IamInstanceProfile?.Arn ?? d.IamInstanceProfile?.Name;
  return {
    number: v.VersionNumber!,
    ...(v.VersionDescription ? { description: v.VersionDescription } : {}),
    ...(d.ImageId ? { imageId: d.ImageId } : {}),
    ...(d.InstanceType ? { instanceType: d.InstanceType } : {}),
    securityGroupIds: [...(d.SecurityGroupIds ?? eni?.Groups ?? [])].sort(),
    ...(profile ? { instanceProfile: profile } : {}),
    ...(d.MetadataOptions?.HttpTokens ? { httpTokens: d.MetadataOptions.HttpTokens } : {}),
    ...(d.MetadataOptions?.HttpEndpoint ? { httpEndpoint: d.MetadataOptions.HttpEndpoint } : {}),
    hasLoadToken: parseLoadToken(decodeUserData(d.UserData)) !== undefined,
  };
}

function decodeUserData(b64: string | undefined): string {
  return b64 ? Buffer.from(b64, 'base64').toString('utf8') : '';
}

/** The version data for `spec`: IMDSv2 required, Name tags on instances and volumes. */
export function launchTemplateData(spec: LaunchTemplateSpec): RequestLaunchTemplateData {
  return {
    ImageId: spec.imageId,
    InstanceType: spec.instanceType as never,
    SecurityGroupIds: spec.securityGroupIds,
    MetadataOptions: { HttpTokens: 'required', HttpEndpoint: 'enabled' },
    ...(spec.instanceProfileArn ? { IamInstanceProfile: { Arn: spec.instanceProfileArn } } : {}),
    ...(spec.userData !== undefined ? { UserData: Buffer.from(spec.userData, 'utf8').toString('base64') } : {}),
    TagSpecifications: [
      { ResourceType: 'instance', Tags: spec.instanceTags },
      { ResourceType: 'volume', Tags: spec.instanceTags },
    ],
  };
}

/**
 * An idempotency token for creating `what`: the same request gives the same token (so a retry
 * returns the first result), different data a different one (EC2 refuses a reused token with
 * other parameters). EC2 allows 128 ASCII characters.
 */
export function clientToken(...parts: unknown[]): string {
  return `asgw-${createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 48)}`;
}

/** The EC2 launch template adapter. */
export class LaunchTemplatesApi {
  constructor(private readonly client: EC2Client, private readonly propagation: PropagationPolicy = AWS_PROPAGATION) {}

  /** The template of that name, or undefined (EC2 answers InvalidLaunchTemplateName.NotFoundException). */
  async find(name: string): Promise<LaunchTemplate | undefined> {
    return undefinedIfNotFound(['InvalidLaunchTemplateName.NotFoundException'], async () => {
      const res = await awsCall('DescribeLaunchTemplates', name, () =>
        this.client.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateNames: [name] })),
      );
      const t = res.LaunchTemplates?.[0];
      return t ? toTemplate(t) : undefined;
    });
  }

  /** Templates matching the filters (`tag:asg-wizard:stack`), every page. */
  async findByFilters(filters: Filter[]): Promise<LaunchTemplate[]> {
    const out: LaunchTemplate[] = [];
    await awsCall('DescribeLaunchTemplates', undefined, async () => {
      for await (const page of paginateDescribeLaunchTemplates({ client: this.client }, { Filters: filters })) out.push(...(page.LaunchTemplates ?? []).map(toTemplate));
    });
    return out;
  }

  /** One version: a number (made a moment ago, maybe: not yet visible is retried), `$Default` or `$Latest`. */
  async version(templateId: string, version: string | number = '$Default'): Promise<LaunchTemplateVersion | undefined> {
    const res = await awsCall('DescribeLaunchTemplateVersions', `${templateId}:${version}`, () => untilVisible(this.propagation, [NOT_YET.launchTemplateVersion], () =>
      this.client.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: templateId, Versions: [String(version)] }))));
    const v = res.LaunchTemplateVersions?.[0];
    return v ? toVersion(v) : undefined;
  }

  /**
   * Several numbered versions in one call (DescribeLaunchTemplateVersions takes a list), by
   * number; a version not there is left out. Retried while one is not visible yet, as {@link version}.
   */
  async versions(templateId: string, numbers: number[]): Promise<Map<number, LaunchTemplateVersion>> {
    const wanted = [...new Set(numbers)].map(String);
    const res = await awsCall('DescribeLaunchTemplateVersions', `${templateId}:${wanted.join(',')}`, () => untilVisible(this.propagation, [NOT_YET.launchTemplateVersion], () =>
      this.client.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: templateId, Versions: wanted }))));
    return new Map((res.LaunchTemplateVersions ?? []).map((v) => [v.VersionNumber!, toVersion(v)]));
  }

  /** A version's user data, decoded (empty when it has none). */
  async userData(templateId: string, version: string | number = '$Default'): Promise<string> {
    const res = await awsCall('DescribeLaunchTemplateVersions', `${templateId}:${version}`, () => untilVisible(this.propagation, [NOT_YET.launchTemplateVersion], () =>
      this.client.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: templateId, Versions: [String(version)] }))));
    return decodeUserData(res.LaunchTemplateVersions?.[0]?.LaunchTemplateData?.UserData);
  }

  /** Creates the template (version 1, the default), tagged in the call. */
  async create(name: string, spec: LaunchTemplateSpec, tags: SdkTags, token: string): Promise<LaunchTemplate> {
    const res = await awsCall('CreateLaunchTemplate', name, () =>
      this.client.send(new CreateLaunchTemplateCommand({
        LaunchTemplateName: name,
        ClientToken: token,
        ...(spec.description ? { VersionDescription: spec.description } : {}),
        LaunchTemplateData: launchTemplateData(spec),
        TagSpecifications: [{ ResourceType: 'launch-template', Tags: tags }],
      })),
    );
    return toTemplate(res.LaunchTemplate!);
  }

  /** Adds a version holding `spec` in full (not derived from another); returns its number. */
  async createVersion(templateId: string, spec: LaunchTemplateSpec, token: string): Promise<number> {
    const res = await awsCall('CreateLaunchTemplateVersion', templateId, () =>
      this.client.send(new CreateLaunchTemplateVersionCommand({
        LaunchTemplateId: templateId,
        ClientToken: token,
        ...(spec.description ? { VersionDescription: spec.description } : {}),
        LaunchTemplateData: launchTemplateData(spec),
      })),
    );
    return res.LaunchTemplateVersion!.VersionNumber!;
  }

  /** Makes `version` the default (what `$Default` resolves to at the next launch); a version just made may not be visible yet. */
  async setDefaultVersion(templateId: string, version: number): Promise<void> {
    await awsCall('ModifyLaunchTemplate', templateId, () => untilVisible(this.propagation, [NOT_YET.launchTemplateVersion], () =>
      this.client.send(new ModifyLaunchTemplateCommand({ LaunchTemplateId: templateId, DefaultVersion: String(version) }))));
  }

  /** Tags an existing template (only for adoption, which the user agreed to). */
  async tag(templateId: string, tags: SdkTags): Promise<void> {
    await awsCall('CreateTags', templateId, () => this.client.send(new CreateTagsCommand({ Resources: [templateId], Tags: tags })));
  }

  async delete(templateId: string): Promise<void> {
    await awsCall('DeleteLaunchTemplate', templateId, () => this.client.send(new DeleteLaunchTemplateCommand({ LaunchTemplateId: templateId })));
  }
}
