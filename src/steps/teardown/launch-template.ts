/**
 * The launch template's teardown: every template tagged with the stack (a new image version adds
 * versions, never templates, but a renamed template is the stack's too). Deleted after the group
 * that launches from it.
 */
import type { LaunchTemplate } from '../../aws/launch-templates.js';
import { isOurs } from '../common.js';
import { defineTeardown, deleteRow, keptRow, notOurs, stackFilter, unlessGone } from './common.js';

export interface LaunchTemplateTeardownFound {
  templates: LaunchTemplate[];
  stranger?: LaunchTemplate;
}

export type LaunchTemplateTeardownChange = { op: 'delete-template'; id: string };

const STEP = 'launch-template';
const LT = 'AWS::EC2::LaunchTemplate';

export const launchTemplateTeardown = defineTeardown<LaunchTemplateTeardownFound, LaunchTemplateTeardownChange>({
  id: STEP,
  title: 'Launch template',
  async detect(ctx) {
    const api = ctx.aws.launchTemplates;
    const [tagged, named] = await Promise.all([api.findByFilters([stackFilter(ctx.config)]), api.find(ctx.config.launchTemplate.name)]);
    const stranger = named && !isOurs(named.tags, ctx.config) ? named : undefined;
    return { templates: tagged.filter((t) => isOurs(t.tags, ctx.config)), ...(stranger ? { stranger } : {}) };
  },
  plan(config, found) {
    const rows = found.templates.map((t) => deleteRow<LaunchTemplateTeardownChange>(STEP, `template:${t.name}`, LT, t.name, t.id, { op: 'delete-template', id: t.id },
      `${t.latestVersion} version${t.latestVersion === 1 ? '' : 's'}`));
    if (found.stranger) rows.push(keptRow(STEP, `kept:${found.stranger.name}`, LT, found.stranger.name, found.stranger.id, notOurs(config, found.stranger.tags)));
    return rows;
  },
  fingerprint: (f) => f.templates.map((t) => t.id),
  async apply(ctx, rows) {
    for (const r of rows) {
      const c = r.change;
      if (!c) continue;
      ctx.progress.update(`launch template ${r.name}`);
      await ctx.forRow(r, () => unlessGone(['InvalidLaunchTemplateId.NotFound', 'InvalidLaunchTemplateName.NotFoundException'], () => ctx.aws.launchTemplates.delete(c.id)));
    }
  },
});
