/**
 * Help a newcomer can read: `up --help` groups its options by lab step, shows the global
 * options (--sandbox, --yes, --stack, --region) and examples; each command offers only the
 * options it uses (status: the names it finds the stack by); no help line is wider than the
 * terminal; a mistyped command is answered with the command meant.
 */
import { describe, expect, it } from 'vitest';
import { runWizard, tmpSandboxFile } from '../helpers/run.js';

const help = async (args: string[]) => {
  const r = await runWizard(tmpSandboxFile(), args, { noSandbox: true });
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
};

/** The option flags listed under `heading` (up to the next heading). */
function section(text: string, heading: string): string[] {
  const lines = text.split('\n');
  const at = lines.indexOf(heading);
  if (at < 0) return [];
  const out: string[] = [];
  for (const l of lines.slice(at + 1)) {
    if (!l.startsWith(' ')) break;
    const m = /^ {2}(?:-\w, )?(--[\w-]+)/.exec(l);
    if (m) out.push(m[1]!);
  }
  return out;
}

describe('up --help', () => {
  it('groups the options by lab step, in the lab\'s order, then how to run, then the global options, then examples', async () => {
    const text = await help(['up', '--help']);
    const headings = text.split('\n').filter((l) => /^[A-Z][^:]*:$/.test(l));
    expect(headings).toEqual([
      'Network (VPC and subnets):', 'Image (the AMI bake):', 'Load balancer:', 'Instances (security group, type, launch template):',
      'Auto Scaling group:', 'Notifications (SNS):', 'Run options:', 'Options:', 'Global Options:', 'Examples:',
    ]);
    expect(section(text, 'Auto Scaling group:')).toEqual(expect.arrayContaining(['--min-size', '--max-size', '--desired-capacity', '--cpu-target']));
    expect(section(text, 'Network (VPC and subnets):')).toContain('--vpc-id');
    expect(section(text, 'Run options:')).toEqual(expect.arrayContaining(['--dry-run', '--plan', '--verbose', '--adopt', '--save-config']));
    expect(section(text, 'Global Options:')).toEqual(expect.arrayContaining(['--sandbox', '--yes', '--stack', '--region', '--profile', '--json']));
    expect(text).toMatch(/^ {2}\$ asg-wizard up --sandbox$/m);
  });

  it('no line of any command\'s help is wider than the terminal (80 columns off a terminal), so none breaks mid-word', async () => {
    // Every command the root help lists, so a new command's help is held to it too.
    const root = await help(['--help']);
    const commands = root.split('Commands:\n')[1]!.split('\n').map((l) => /^ {2}([a-z][\w-]*)/.exec(l)?.[1]).filter((c): c is string => !!c && c !== 'help');
    expect(commands).toEqual(expect.arrayContaining(['up', 'plan', 'status', 'notify', 'bake', 'scale', 'load', 'destroy', 'iam-policy']));
    for (const args of [['--help'], ...commands.map((c) => [c, '--help'])]) {
      const wide = (await help(args)).split('\n').filter((l) => [...l].length >= 80);
      expect(wide, args.join(' ')).toEqual([]);
    }
  });
});

describe('each command offers the options it uses', () => {
  it('status (reads only): the names it finds the stack by, no build options', async () => {
    const text = await help(['status', '--help']);
    const own = text.slice(0, text.indexOf('Global Options:'));
    for (const flag of ['--alb-name', '--target-group-name', '--asg-name', '--launch-template-name', '--image-name']) expect(own).toContain(flag);
    for (const flag of ['--min-size', '--vpc-id', '--instance-type', '--cpu-target', '--save-config', '--adopt', '--no-notifications']) expect(own).not.toContain(flag);
    expect(text).toMatch(/^Global Options:$/m);
  });

  it('bake: the network, the image and the instance type; not the group or the load balancer', async () => {
    const own = (await help(['bake', '--help'])).split('Global Options:')[0]!;
    for (const flag of ['--vpc-id', '--image-name', '--image-id', '--user-data', '--instance-type', '--dry-run']) expect(own).toContain(flag);
    for (const flag of ['--min-size', '--alb-name', '--topic-name', '--save-config']) expect(own).not.toContain(flag);
  });

  it('a build option given to status is refused (exit 2) instead of being ignored', async () => {
    const r = await runWizard(tmpSandboxFile(), ['status', '--min-size', '3']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: unknown option '--min-size'/m);
  });
});

describe('a mistyped command', () => {
  it('is answered with the command meant, exit 2', async () => {
    const r = await runWizard(tmpSandboxFile(), ['statu']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: unknown command 'statu'\n\(Did you mean status\?\)$/m);
    expect(r.stderr).not.toMatch(/too many arguments/);
    expect(r.writes).toEqual([]);
  });

  it('extra words after a command are still refused', async () => {
    const r = await runWizard(tmpSandboxFile(), ['plan', 'extra']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/too many arguments for 'plan'/);
  });
});
