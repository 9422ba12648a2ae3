/**
 * The plan as people and scripts read it: exact lines without colour (the glyph carries the
 * meaning), the totals sentence, and the `plan --json` document's stable keys (SPEC.md).
 */
import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { hasChanges, planDocument, renderDestroyed, renderPlan, renderTotals, totals } from '../../src/ui/render-plan.js';
import type { PlanRow } from '../../src/engine/types.js';

const plain = new Chalk({ level: 0 });
const header = { stack: 'Web', region: 'ap-northeast-2', account: '123456789012' };

const ALB_ARN = 'arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:loadbalancer/app/Web-ALB/50dc6c495c0c9188';
const TG_ARN = 'arn:aws:elasticloadbalancing:ap-northeast-2:123456789012:targetgroup/Web-TG/6d0ecf831eec9f09';

/** Two creates, one update with field changes, one reuse. */
const MIXED: PlanRow[] = [
  { key: 'k1', step: 'network', action: 'create', type: 'AWS::EC2::VPC', name: 'VPC-Lab', detail: '10.0.0.0/16', changes: [] },
  { key: 'k2', step: 'network', action: 'create', type: 'AWS::EC2::Subnet', name: 'Public subnet A', detail: 'ap-northeast-2a', changes: [] },
  {
    key: 'k0', step: 'load-balancer', action: 'update', type: 'AWS::EC2::SecurityGroup', name: 'Web-ALB-SG', id: 'sg-0123456789abcdef0',
    changes: [
      { field: 'ingress', from: '80/tcp from 10.0.0.0/8', to: '80/tcp from 0.0.0.0/0' },
      { field: 'description', from: undefined, to: 'Web ALB' },
      { field: 'ports', from: [80], to: [80, 443] },
    ],
  },
  { key: 'k3', step: 'instance-security', action: 'reuse', type: 'AWS::EC2::SecurityGroup', name: 'ASG-Web-Inst-SG', id: 'sg-0fedcba9876543210', changes: [] },
];

/** An adoption (with its reason) and a conflict, both with ARNs. */
const RISKY: PlanRow[] = [
  { key: 'k4', step: 'load-balancer', action: 'adopt', type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', name: 'Web-ALB', id: ALB_ARN, changes: [], reason: 'exists without the asg-wizard:stack tag' },
  { key: 'k5', step: 'load-balancer', action: 'conflict', type: 'AWS::ElasticLoadBalancingV2::TargetGroup', name: 'Web-TG', id: TG_ARN, changes: [], reason: 'it is in vpc-0aaaaaaaaaaaaaaaa, not the stack\'s VPC' },
];

const REUSED: PlanRow[] = [
  { key: 'k6', step: 'network', action: 'reuse', type: 'AWS::EC2::VPC', name: 'VPC-Lab', id: 'vpc-0123456789abcdef0', changes: [] },
  { key: 'k7', step: 'load-balancer', action: 'reuse', type: 'AWS::EC2::SecurityGroup', name: 'Web-ALB-SG', id: 'sg-0123456789abcdef0', changes: [] },
];

describe('renderPlan without colour', () => {
  it('prints the header, one aligned line per row, its changes, and the totals', () => {
    expect(renderPlan(header, MIXED, plain).split('\n')).toEqual([
      'Plan for stack Web in ap-northeast-2 (account 123456789012)',
      '  + create    AWS::EC2::VPC            VPC-Lab          10.0.0.0/16',
      '  + create    AWS::EC2::Subnet         Public subnet A  ap-northeast-2a',
      '  ~ update    AWS::EC2::SecurityGroup  Web-ALB-SG       sg-0123456789abcdef0',
      '      ingress: 80/tcp from 10.0.0.0/8 → 80/tcp from 0.0.0.0/0',
      '      description: ∅ → Web ALB',
      '      ports: [80] → [80,443]',
      '  = reuse     AWS::EC2::SecurityGroup  ASG-Web-Inst-SG  sg-0fedcba9876543210',
      'Plan: 2 to create, 1 to update, 1 unchanged.',
    ]);
  });

  it('shows the tail of ARNs, the reason of an adoption as a note and of a conflict as the conflict', () => {
    expect(renderPlan(header, RISKY, plain).split('\n')).toEqual([
      'Plan for stack Web in ap-northeast-2 (account 123456789012)',
      '  ? adopt     AWS::ElasticLoadBalancingV2::LoadBalancer  Web-ALB  …/Web-ALB/50dc6c495c0c9188',
      '      note: exists without the asg-wizard:stack tag',
      '  ! conflict  AWS::ElasticLoadBalancingV2::TargetGroup   Web-TG   …/Web-TG/6d0ecf831eec9f09',
      '      conflict: it is in vpc-0aaaaaaaaaaaaaaaa, not the stack\'s VPC',
      'Plan: 0 to create, 0 to update, 1 to adopt, 1 in conflict, 0 unchanged.',
    ]);
  });

  it('never shows an id on a create row (it is not known yet)', () => {
    const rows: PlanRow[] = [{ key: 'k8', step: 'network', action: 'create', type: 'AWS::EC2::VPC', name: 'VPC-Lab', id: 'vpc-0123456789abcdef0', changes: [] }];
    expect(renderPlan(header, rows, plain).split('\n')[1]).toBe('  + create    AWS::EC2::VPC  VPC-Lab');
  });

  it('says "No changes" when every row is reused', () => {
    const lines = renderPlan(header, REUSED, plain).split('\n');
    expect(lines.at(-1)).toBe('No changes: 2 unchanged.');
    expect(lines[1]).toBe('  = reuse     AWS::EC2::VPC            VPC-Lab     vpc-0123456789abcdef0');
  });

  it('has no escape codes at level 0, and the same text under the colour at level 1', () => {
    const text = renderPlan(header, [...MIXED, ...RISKY], plain);
    expect(text).not.toMatch(/\u001b\[/);
    const coloured = renderPlan(header, [...MIXED, ...RISKY], new Chalk({ level: 1 }));
    expect(coloured).toMatch(/\u001b\[/);
    expect(coloured.replace(/\u001b\[\d+m/g, '')).toBe(text);
  });
});

describe('totals', () => {
  it('counts each action', () => {
    expect(totals([...MIXED, ...RISKY])).toEqual({ create: 2, update: 1, reuse: 1, adopt: 1, conflict: 1, delete: 0 });
  });

  it('renderTotals: create/update always (but in a plan of deletions only), adopt/delete/conflict only when present, unchanged last', () => {
    expect(renderTotals(MIXED)).toBe('Plan: 2 to create, 1 to update, 1 unchanged.');
    expect(renderTotals(REUSED)).toBe('No changes: 2 unchanged.');
    expect(renderTotals([])).toBe('No changes: 0 unchanged.');
    const del: PlanRow = { key: 'k9', step: 'verify', action: 'delete', type: 'AWS::EC2::Instance', name: 'bake', changes: [] };
    expect(renderTotals([...REUSED, del])).toBe('Plan: 1 to delete, 2 unchanged.');
    expect(renderTotals([...MIXED, del])).toBe('Plan: 2 to create, 1 to update, 1 to delete, 1 unchanged.');
  });

  it('renderDestroyed: deleted, handed over (only when some were), kept, and the writes', () => {
    const del: PlanRow = { key: 'k9', step: 'network', action: 'delete', type: 'AWS::EC2::VPC', name: 'VPC-Lab', changes: [] };
    expect(renderDestroyed([del, ...REUSED], 9)).toBe('Destroyed: 1 deleted, 2 kept. 9 AWS writes.');
    expect(renderDestroyed([{ ...del, action: 'update' }], 1)).toBe('Destroyed: 0 deleted, 1 handed over, 0 kept. 1 AWS write.');
  });

  it('hasChanges: anything but reuse is a change', () => {
    expect(hasChanges(REUSED)).toBe(false);
    expect(hasChanges([])).toBe(false);
    expect(hasChanges(MIXED)).toBe(true);
    expect(hasChanges([RISKY[0]!])).toBe(true);
  });
});

describe('planDocument (plan --json)', () => {
  const doc = planDocument(header, [...MIXED, ...RISKY]);

  it('has exactly the stable top-level and totals keys', () => {
    expect(Object.keys(doc).sort()).toEqual(['account', 'region', 'rows', 'stack', 'totals']);
    expect(doc.stack).toBe('Web');
    expect(doc.region).toBe('ap-northeast-2');
    expect(doc.account).toBe('123456789012');
    expect(doc.totals).toEqual({ create: 2, update: 1, reuse: 1, adopt: 1, conflict: 1, delete: 0 });
  });

  it('gives every row action, type, name, id (null if unknown) and changes; extra keys only from the documented additions', () => {
    expect(doc.rows).toHaveLength(6);
    for (const row of doc.rows) {
      for (const k of ['action', 'type', 'name', 'id', 'changes']) expect(row).toHaveProperty(k);
      for (const k of Object.keys(row)) expect(['action', 'type', 'name', 'id', 'changes', 'key', 'step', 'detail', 'reason']).toContain(k);
      for (const c of row.changes) expect(Object.keys(c).sort()).toEqual(['field', 'from', 'to']);
    }
    expect(doc.rows.map((r) => [r.action, r.type, r.name, r.id])).toEqual([
      ['create', 'AWS::EC2::VPC', 'VPC-Lab', null],
      ['create', 'AWS::EC2::Subnet', 'Public subnet A', null],
      ['update', 'AWS::EC2::SecurityGroup', 'Web-ALB-SG', 'sg-0123456789abcdef0'],
      ['reuse', 'AWS::EC2::SecurityGroup', 'ASG-Web-Inst-SG', 'sg-0fedcba9876543210'],
      ['adopt', 'AWS::ElasticLoadBalancingV2::LoadBalancer', 'Web-ALB', ALB_ARN],
      ['conflict', 'AWS::ElasticLoadBalancingV2::TargetGroup', 'Web-TG', TG_ARN],
    ]);
  });

  it('keeps change values as values (full ARNs, arrays), with undefined as null', () => {
    expect(doc.rows[2]!.changes).toEqual([
      { field: 'ingress', from: '80/tcp from 10.0.0.0/8', to: '80/tcp from 0.0.0.0/0' },
      { field: 'description', from: null, to: 'Web ALB' },
      { field: 'ports', from: [80], to: [80, 443] },
    ]);
    expect(doc.rows[4]).toMatchObject({ reason: 'exists without the asg-wizard:stack tag' });
  });

  it('survives JSON (no undefined, no Dates, no class instances)', () => {
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });
});
