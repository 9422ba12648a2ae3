/**
 * The launch template `Web`: the baked image, t2.micro, `ASG-Web-Inst-SG`, IMDSv2 required,
 * `Name=Web Instance` on instances and volumes (and the Session Manager profile when asked).
 * Versions are immutable: a change (a new image, another type) is a new version made the
 * default, which the Auto Scaling step then rolls out with an instance refresh.
 */
import type { StackConfig } from '../config/schema.js';
import { clientToken, type LaunchTemplate, type LaunchTemplateSpec, type LaunchTemplateVersion } from '../aws/launch-templates.js';
import type { FieldChange, Outputs, PlanRow, Step, StepContext } from '../engine/types.js';
import { PlanError } from '../errors.js';
import { ADOPT_REASON, diff, isOurs, row, stackTags } from './common.js';
import type { BakeOut, InstanceProfileOut, LaunchTemplateOut } from './outputs.js';
import type { InstanceSecurityOut } from './instance-security.js';

export interface LaunchTemplateFound {
  lt?: LaunchTemplate;
  /** The default version's settings. */
  def?: LaunchTemplateVersion;
  /** The latest version, when it is not the default (a run that stopped before moving the default). */
  latest?: LaunchTemplateVersion;
}

const LT = 'AWS::EC2::LaunchTemplate';

/** The console's description of the lab's template, for any stack. */
export function templateDescription(stack: string): string {
  return `Immersion Day ${stack} Instances Template – ${stack} only`;
}

/** What the default version should hold; ids of resources still to be made are shown by name in brackets. */
interface Wanted {
  imageId?: string;
  imageLabel: string;
  instanceType: string;
  securityGroupId?: string;
  instanceProfileArn?: string;
}

function wanted(config: StackConfig, deps: Outputs): Wanted {
  const bake = deps.bake as Partial<BakeOut> | undefined;
  const sg = deps['instance-security'] as Partial<InstanceSecurityOut> | undefined;
  const profile = deps['instance-profile'] as Partial<InstanceProfileOut> | undefined;
  const imageId = bake?.imageId ?? config.image.id;
  return {
    ...(imageId ? { imageId } : {}),
    imageLabel: bake?.imageName ?? (config.image.id ? config.image.id : config.image.name),
    instanceType: config.instances.instanceType,
    ...(sg?.securityGroupId ? { securityGroupId: sg.securityGroupId } : {}),
    ...(profile?.instanceProfileArn ? { instanceProfileArn: profile.instanceProfileArn } : {}),
  };
}

/** A version may name its profile by name; an ARN ending in `/name` is the same profile. */
function sameProfile(have: string | undefined, want: string | undefined): boolean {
  if (!have || !want) return have === want;
  return have === want || want.endsWith(`/${have}`) || have.endsWith(`/${want}`);
}

/** How version `v` differs from what is wanted (empty: as wanted). */
function versionChanges(config: StackConfig, v: LaunchTemplateVersion, w: Wanted): FieldChange[] {
  const sgWanted = w.securityGroupId ? [w.securityGroupId] : [`(${config.instances.securityGroupName})`];
  return [
    ...diff([
      ['ImageId', v.imageId ?? null, w.imageId ?? `(${w.imageLabel})`],
      ['InstanceType', v.instanceType ?? null, w.instanceType],
      ['SecurityGroupIds', v.securityGroupIds, sgWanted],
      ['HttpTokens', v.httpTokens ?? 'optional', 'required'],
    ]),
    ...(sameProfile(v.instanceProfile, w.instanceProfileArn) ? [] : [{ field: 'IamInstanceProfile', from: v.instanceProfile ?? null, to: w.instanceProfileArn ?? null }]),
  ];
}

/** The version the default should move to (the latest when it already holds what is wanted), or undefined. */
function nextDefault(config: StackConfig, found: LaunchTemplateFound, w: Wanted): { version: number; reuseLatest: boolean; changes: FieldChange[] } | undefined {
  const { lt, def } = found;
  if (!lt || !def) return undefined;
  const changes = versionChanges(config, def, w);
  if (!changes.length) return undefined;
  const reuseLatest = !!found.latest && versionChanges(config, found.latest, w).length === 0;
  return { version: reuseLatest ? found.latest!.number : lt.latestVersion + 1, reuseLatest, changes };
}

async function detect(ctx: StepContext): Promise<LaunchTemplateFound> {
  const api = ctx.aws.launchTemplates;
  const lt = await api.find(ctx.config.launchTemplate.name);
  if (!lt) return {};
  const [def, latest] = await Promise.all([
    api.version(lt.id, lt.defaultVersion),
    lt.latestVersion !== lt.defaultVersion ? api.version(lt.id, lt.latestVersion) : Promise.resolve(undefined),
  ]);
  return { lt, ...(def ? { def } : {}), ...(latest ? { latest } : {}) };
}

function plan(config: StackConfig, found: LaunchTemplateFound, deps: Outputs): PlanRow[] {
  const w = wanted(config, deps);
  const name = config.launchTemplate.name;
  const detail = `${w.imageLabel}, ${w.instanceType}, ${config.instances.securityGroupName}, IMDSv2 required${w.instanceProfileArn ? ', Session Manager profile' : ''}`;
  const { lt } = found;
  if (!lt) return [row('launch-template', 'create', LT, name, { detail })];
  const next = nextDefault(config, found, w);
  const changes = next ? [...next.changes, { field: 'DefaultVersion', from: lt.defaultVersion, to: next.version }] : [];
  if (!isOurs(lt.tags, config)) return [row('launch-template', 'adopt', LT, name, { id: lt.id, detail, changes, reason: ADOPT_REASON })];
  return [row('launch-template', changes.length ? 'update' : 'reuse', LT, name, { id: lt.id, detail: `${detail}; default version ${next?.version ?? lt.defaultVersion}`, changes })];
}

function outputs(config: StackConfig, found: LaunchTemplateFound, deps: Outputs): Partial<LaunchTemplateOut> {
  const { lt } = found;
  if (!lt) return {};
  // In a plan, the default the apply would move to: the Auto Scaling step plans its instance refresh from it.
  const next = nextDefault(config, found, wanted(config, deps));
  return { launchTemplateId: lt.id, launchTemplateName: lt.name, defaultVersion: next?.version ?? lt.defaultVersion, versionChanged: !!next };
}

/** The full version data from the steps' outputs; refuses when an id is still missing. */
function specOf(config: StackConfig, w: Wanted, description: string): LaunchTemplateSpec {
  if (!w.imageId) throw new PlanError(`launch template ${config.launchTemplate.name}: no image to launch from (the bake gave none)`, 'give --image-id, or run asg-wizard bake first');
  if (!w.securityGroupId) throw new PlanError(`launch template ${config.launchTemplate.name}: the instance security group ${config.instances.securityGroupName} does not exist`);
  return {
    imageId: w.imageId, instanceType: w.instanceType, securityGroupIds: [w.securityGroupId],
    ...(w.instanceProfileArn ? { instanceProfileArn: w.instanceProfileArn } : {}),
    instanceTags: stackTags(config, `${config.stack} Instance`), description,
  };
}

async function apply(ctx: StepContext, found: LaunchTemplateFound, rows: PlanRow[], deps: Outputs): Promise<LaunchTemplateOut> {
  const { config } = ctx;
  const api = ctx.aws.launchTemplates;
  const name = config.launchTemplate.name;
  const w = wanted(config, deps);
  let lt = found.lt;
  let versionChanged = false;
  let defaultVersion: number;
  if (!lt) {
    ctx.progress.update(`launch template ${name}`);
    const spec = specOf(config, w, templateDescription(config.stack));
    lt = await api.create(name, spec, stackTags(config, name), clientToken('CreateLaunchTemplate', config.stack, name, spec));
    defaultVersion = lt.defaultVersion;
    versionChanged = true;
  } else {
    if (!isOurs(lt.tags, config)) await api.tag(lt.id, stackTags(config));
    const next = nextDefault(config, found, w);
    defaultVersion = lt.defaultVersion;
    if (next) {
      const spec = specOf(config, w, `${templateDescription(config.stack)}, ${w.imageLabel}`);
      let version = next.version;
      if (!next.reuseLatest) {
        ctx.progress.update(`launch template ${name}: new version`);
        version = await api.createVersion(lt.id, spec, clientToken('CreateLaunchTemplateVersion', config.stack, lt.id, spec));
      }
      ctx.progress.update(`launch template ${name}: default version ${lt.defaultVersion} → ${version}`);
      await api.setDefaultVersion(lt.id, version);
      defaultVersion = version;
      versionChanged = true;
    }
  }
  for (const r of rows) {
    r.id = lt.id;
    const dv = r.changes.find((c) => c.field === 'DefaultVersion');
    if (dv) dv.to = defaultVersion;
  }
  return { launchTemplateId: lt.id, launchTemplateName: lt.name, defaultVersion, versionChanged };
}

export const launchTemplateStep: Step<LaunchTemplateFound, LaunchTemplateOut> = {
  id: 'launch-template',
  title: 'Launch template',
  needs: ['bake', 'instance-security', 'instance-profile'],
  detect,
  plan,
  outputs,
  apply,
};
