/**
 * The launch template `Web`: the baked image, t2.micro, `ASG-Web-Inst-SG`, IMDSv2 required,
 * `Name=Web Instance` on instances and volumes (and the Session Manager profile when asked).
 * Versions are immutable: a change (a new image, another type) is a new version made the
 * default, which the Auto Scaling step then rolls out with an instance refresh.
 */
import type { StackConfig } from '../config/schema.js';
import { clientToken, type LaunchTemplate, type LaunchTemplateSpec, type LaunchTemplateVersion } from '../aws/launch-templates.js';
import type { SdkTags } from '../aws/ec2-network.js';
import { produce, ref, show, type Id, type Ref, type Resolved } from '../engine/refs.js';
import { loadTokenUserData, newLoadToken, parseLoadToken } from '../contract/web-server.js';
import type { FieldChange, PlanRow } from '../engine/types.js';
import { ADOPT_REASON, defineStep, diff, isOurs, row, stackTags } from './common.js';
import type { DepsOf } from './outputs.js';

export interface LaunchTemplateFound {
  lt?: LaunchTemplate;
  /** The default version's settings. */
  def?: LaunchTemplateVersion;
  /** The latest version, when it is not the default (a run that stopped before moving the default). */
  latest?: LaunchTemplateVersion;
}

type Deps = DepsOf<'bake' | 'instance-security' | 'instance-profile'>;

/**
 * A version's data as planned: the image, group and profile may still be to be made. The user
 * data writes the stack's load token (`asg-wizard load` sends it; `/load` refuses anyone else); a
 * plan never holds the token itself: a new one is drawn at apply, or it is carried over from the
 * version that has it (versions are immutable, so that is exactly determined).
 */
export type PlannedSpec = Omit<LaunchTemplateSpec, 'imageId' | 'securityGroupIds' | 'instanceProfileArn' | 'userData'> & {
  imageId: Id; securityGroupIds: Id[]; instanceProfileArn?: Id;
  loadToken: 'new' | { fromVersion: number };
};

export type LaunchTemplateChange =
  | { op: 'create'; name: string; spec: PlannedSpec; tags: SdkTags }
  /** A new default: a new version (`spec`), or the latest one that already holds what is wanted (`version`). */
  | { op: 'update'; templateId: string; tag?: SdkTags; spec?: PlannedSpec; version?: number };

const LT = 'AWS::EC2::LaunchTemplate';
const STEP = 'launch-template';
const KEY = `${STEP}/template`;

/** The console's description of the lab's template, for any stack. */
export function templateDescription(stack: string): string {
  return `Immersion Day ${stack} Instances Template – ${stack} only`;
}

/** What the default version should hold (its load token carried over from the default version, if it has one). */
function wantedSpec(config: StackConfig, deps: Deps, description: string, found: LaunchTemplateFound = {}): PlannedSpec {
  const profile = deps['instance-profile']?.instanceProfileArn;
  const holder = found.def?.hasLoadToken ? found.def : found.latest?.hasLoadToken ? found.latest : undefined;
  return {
    loadToken: holder ? { fromVersion: holder.number } : 'new',
    imageId: deps.bake?.imageId ?? config.image.id ?? ref('bake/image', 'id', config.image.name),
    instanceType: config.instances.instanceType,
    securityGroupIds: [deps['instance-security']?.securityGroupId ?? ref('instance-security/sg', 'id', config.instances.securityGroupName)],
    ...(profile ? { instanceProfileArn: profile } : {}),
    instanceTags: stackTags(config, `${config.stack} Instance`),
    description,
  };
}

/** A version may name its profile by name; an ARN ending in `/name` is the same profile. */
function sameProfile(have: string | undefined, want: Id | undefined): boolean {
  if (typeof want !== 'string' || !have) return have === want;
  return have === want || want.endsWith(`/${have}`) || have.endsWith(`/${want}`);
}

/** How version `v` differs from what is wanted (empty: as wanted). */
function versionChanges(v: LaunchTemplateVersion, w: PlannedSpec): FieldChange[] {
  return [
    ...diff([
      ['ImageId', v.imageId ?? null, show(w.imageId)],
      ['InstanceType', v.instanceType ?? null, w.instanceType],
      ['SecurityGroupIds', v.securityGroupIds, w.securityGroupIds.map(show)],
      ['HttpTokens', v.httpTokens ?? 'optional', 'required'],
      ['LoadToken', v.hasLoadToken ? 'in the user data' : null, 'in the user data'],
    ]),
    ...(sameProfile(v.instanceProfile, w.instanceProfileArn) ? [] : [{ field: 'IamInstanceProfile', from: v.instanceProfile ?? null, to: w.instanceProfileArn === undefined ? null : show(w.instanceProfileArn) }]),
  ];
}

/** The version the default should move to (the latest when it already holds what is wanted), or undefined. */
function nextDefault(found: LaunchTemplateFound, w: PlannedSpec): { version: number; reuseLatest: boolean; changes: FieldChange[] } | undefined {
  const { lt, def } = found;
  if (!lt || !def) return undefined;
  const changes = versionChanges(def, w);
  if (!changes.length) return undefined;
  const reuseLatest = !!found.latest && versionChanges(found.latest, w).length === 0;
  return { version: reuseLatest ? found.latest!.number : lt.latestVersion + 1, reuseLatest, changes };
}

function plan(config: StackConfig, found: LaunchTemplateFound, deps: Deps): PlanRow<LaunchTemplateChange> {
  const name = config.launchTemplate.name;
  const w = wantedSpec(config, deps, templateDescription(config.stack), found);
  const imageLabel = deps.bake?.imageName ?? config.image.id ?? config.image.name;
  const detail = `${imageLabel}, ${w.instanceType}, ${config.instances.securityGroupName}, IMDSv2 required${w.instanceProfileArn ? ', Session Manager profile' : ''}`;
  const { lt } = found;
  if (!lt) return row(STEP, 'template', 'create', LT, name, { detail, change: { op: 'create', name, spec: w, tags: stackTags(config, name) } });
  const next = nextDefault(found, w);
  const changes = next ? [...next.changes, { field: 'DefaultVersion', from: lt.defaultVersion, to: next.version }] : [];
  const ours = isOurs(lt.tags, config);
  const change: LaunchTemplateChange = {
    op: 'update', templateId: lt.id, ...(ours ? {} : { tag: stackTags(config) }),
    ...(next ? (next.reuseLatest ? { version: next.version } : { spec: { ...w, description: `${templateDescription(config.stack)}, ${imageLabel}` } }) : {}),
  };
  if (!ours) return row(STEP, 'template', 'adopt', LT, name, { id: lt.id, detail, changes, reason: ADOPT_REASON, change });
  return row(STEP, 'template', changes.length ? 'update' : 'reuse', LT, name, {
    id: lt.id, detail: `${detail}; default version ${next?.version ?? lt.defaultVersion}`, changes, ...(changes.length ? { change } : {}),
  });
}

export const launchTemplateStep = defineStep<'launch-template', 'bake' | 'instance-security' | 'instance-profile', LaunchTemplateFound, LaunchTemplateChange>({
  id: STEP,
  title: 'Launch template',
  needs: ['bake', 'instance-security', 'instance-profile'],
  async detect(ctx) {
    const api = ctx.aws.launchTemplates;
    const lt = await api.find(ctx.config.launchTemplate.name);
    if (!lt) return {};
    // The default and the latest version in one read.
    const versions = await api.versions(lt.id, [lt.defaultVersion, lt.latestVersion]);
    const def = versions.get(lt.defaultVersion);
    const latest = lt.latestVersion !== lt.defaultVersion ? versions.get(lt.latestVersion) : undefined;
    return { lt, ...(def ? { def } : {}), ...(latest ? { latest } : {}) };
  },
  plan: (config, found, deps) => [plan(config, found, deps)],
  outputs(config, found, deps) {
    const { lt } = found;
    const name = config.launchTemplate.name;
    // In a plan, the default the apply moves to: the Auto Scaling step plans its instance refresh from it.
    const next = lt ? nextDefault(found, wantedSpec(config, deps, '', found)) : undefined;
    const made: Ref<number> = ref<number>(KEY, 'version', next ? String(next.version) : '1');
    return {
      launchTemplateId: lt?.id ?? ref(KEY, 'id', name),
      launchTemplateName: name,
      defaultVersion: !lt ? made : next ? (next.reuseLatest ? next.version : made) : lt.defaultVersion,
      versionChanged: !lt || !!next,
    };
  },
  fingerprint: (f) => ({
    lt: f.lt ? { id: f.lt.id, defaultVersion: f.lt.defaultVersion, latestVersion: f.lt.latestVersion, tags: f.lt.tags } : null,
    def: f.def ?? null,
    latest: f.latest ?? null,
  }),
  async apply(ctx, rows, _deps, refs) {
    const api = ctx.aws.launchTemplates;
    const { stack } = ctx.config;
    /** The version data with its user data: the load token drawn now, or read back from the version that has it. */
    const withUserData = async (templateId: string | undefined, spec: Resolved<PlannedSpec>): Promise<LaunchTemplateSpec> => {
      const { loadToken, ...rest } = spec;
      const carried = typeof loadToken === 'object' && templateId ? parseLoadToken(await api.userData(templateId, loadToken.fromVersion)) : undefined;
      return { ...rest, userData: loadTokenUserData(carried ?? newLoadToken()) };
    };
    for (const r of rows) {
      if (!r.change) continue;
      const c = refs.resolve(r.change);
      await ctx.forRow(r, async () => {
        if (c.op === 'create') {
          ctx.progress.update(`launch template ${c.name}`);
          // The client token is made from the plan's data (the token's origin, never the token).
          const lt = await api.create(c.name, await withUserData(undefined, c.spec), c.tags, clientToken('CreateLaunchTemplate', stack, c.name, c.spec));
          produce(refs, r, 'id', lt.id);
          produce(refs, r, 'version', lt.defaultVersion);
          return;
        }
        produce(refs, r, 'id', c.templateId);
        if (c.tag) await api.tag(c.templateId, c.tag);
        let version = c.version;
        if (c.spec) {
          ctx.progress.update(`launch template ${r.name}: new version`);
          version = await api.createVersion(c.templateId, await withUserData(c.templateId, c.spec), clientToken('CreateLaunchTemplateVersion', stack, c.templateId, c.spec));
        }
        if (version !== undefined) {
          ctx.progress.update(`launch template ${r.name}: default version → ${version}`);
          await api.setDefaultVersion(c.templateId, version);
          produce(refs, r, 'version', version);
        }
      });
    }
  },
});
