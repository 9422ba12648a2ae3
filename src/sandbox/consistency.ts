/**
 * Read-after-create on EC2 (AWS: "Eventual consistency in the Amazon EC2 API"): an id a call
 * just created has not propagated yet, so the next calls that name it answer its `…NotFound`
 * code (`InvalidGroup.NotFound` after CreateSecurityGroup, `InvalidInstanceID.NotFound` after
 * RunInstances, `InvalidLaunchTemplateId.VersionNotFound` for a new template version). The SDK
 * does not retry these codes; its waiters do.
 *
 * `Sandbox.handle` calls `checkVisible` before an EC2 call is answered and `noteCreated` after
 * one succeeded. Only calls that name the id count: a describe by filter never does (AWS then
 * leaves the resource out rather than failing), nor do ids inside launch template data or tags.
 */
import { ec2Error } from './errors.js';
import { notFound } from './ec2-net-model.js';
import { asLag, lagsOn, startLag, stillLags } from './lag.js';
import { noteProfileChange } from './iam-propagation.js';
import { TIMES } from './timings.js';
import type { SimContext } from './types.js';

/** The kinds of id that lag (the list, plus instances: AWS's own first example). */
const LAGGING_ID = /^(sg|vpc|subnet|rtb|igw|eipalloc|i)-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;

/** Input members whose ids a call does not look up (filters, the data of a template, tags). */
const NOT_LOOKED_UP = new Set(['Filters', 'Filter', 'LaunchTemplateData', 'TagSpecifications', 'Tags', 'ClientToken', 'Description']);

function namedIds(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') {
    if (LAGGING_ID.test(value)) out.push(value);
  } else if (Array.isArray(value)) {
    for (const v of value) namedIds(v, out);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) if (!NOT_LOOKED_UP.has(k)) namedIds(v, out);
  }
  return out;
}

const versionKey = (templateId: string, n: number | string) => `${templateId}:v${n}`;

type TemplateRef = { LaunchTemplateId?: string; LaunchTemplateName?: string; Version?: string };

/** The numbered launch template versions a call names (ModifyLaunchTemplate, DescribeLaunchTemplateVersions, RunInstances, …). */
function namedVersions(ctx: SimContext, input: Record<string, unknown>): { templateId: string; n: string }[] {
  const ref = (input.LaunchTemplate ?? input) as TemplateRef;
  const templateId = ref.LaunchTemplateId ?? ctx.world.ec2.launchTemplates.find((t) => t.name === ref.LaunchTemplateName)?.id;
  if (!templateId) return [];
  const asked = [ref.Version, input.DefaultVersion, input.SourceVersion, ...((input.Versions as unknown[] | undefined) ?? [])];
  return asked.filter((v) => /^\d+$/.test(String(v ?? ''))).map((v) => ({ templateId, n: String(v) }));
}

const lags = (ctx: SimContext, key: string) => stillLags(ctx, key, TIMES.readAfterCreateMin, TIMES.readAfterCreateMax);

/** Throws the `…NotFound` AWS answers when the call names an id (or version) not propagated yet. */
export function checkVisible(ctx: SimContext, clientName: string, input: unknown): void {
  if (clientName !== 'EC2Client' || !lagsOn(ctx) || !ctx.world.lag) return;
  for (const id of new Set(namedIds(input))) {
    if (lags(ctx, id)) throw asLag(notFound(id), 'consistency');
  }
  for (const { templateId, n } of namedVersions(ctx, (input ?? {}) as Record<string, unknown>)) {
    if (lags(ctx, versionKey(templateId, n))) {
      throw asLag(ec2Error('InvalidLaunchTemplateId.VersionNotFound', `Could not find launch template version ${n} for launch template ${templateId}.`), 'consistency');
    }
  }
}

/** Records the ids the handler creates from now on (ids made by `tick` are not a call's). */
export function watchCreates(ctx: SimContext): () => string[] {
  const made: string[] = [];
  const newId = ctx.newId;
  ctx.newId = (prefix) => {
    const id = newId(prefix);
    made.push(id);
    return id;
  };
  return () => made;
}

/** After a successful call: what it created (or changed, for IAM) starts to propagate. */
export function noteCreated(ctx: SimContext, clientName: string, input: unknown, output: unknown, made: string[]): void {
  if (!lagsOn(ctx)) return;
  if (clientName === 'IAMClient') {
    noteProfileChange(ctx, (input ?? {}) as Record<string, unknown>, (output ?? {}) as Record<string, unknown>);
    return;
  }
  if (clientName !== 'EC2Client') return;
  for (const id of made) if (LAGGING_ID.test(id)) startLag(ctx, id);
  const out = (output ?? {}) as { LaunchTemplate?: { LaunchTemplateId?: string }; LaunchTemplateVersion?: { LaunchTemplateId?: string; VersionNumber?: number } };
  // A template's first version is new with it; a replayed ClientToken made nothing (no new id).
  if (ctx.command === 'CreateLaunchTemplate' && out.LaunchTemplate?.LaunchTemplateId && made.length) {
    startLag(ctx, versionKey(out.LaunchTemplate.LaunchTemplateId, 1));
  }
  const v = out.LaunchTemplateVersion;
  if (ctx.command === 'CreateLaunchTemplateVersion' && v?.LaunchTemplateId && v.VersionNumber !== undefined) {
    const lt = ctx.world.ec2.launchTemplates.find((t) => t.id === v.LaunchTemplateId);
    if (lt?.versions.find((x) => x.number === v.VersionNumber)?.createdAt === ctx.now) startLag(ctx, versionKey(lt.id, v.VersionNumber));
  }
}
