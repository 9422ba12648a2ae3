/**
 * IAM: roles (trust policy, AWS managed policies, tags) and instance profiles holding at most one
 * role. IAM returns policy documents URL-encoded and the SDK hands them over as they came, so
 * `AssumeRolePolicyDocument` here is URL-encoded too (callers `decodeURIComponent` it).
 *
 * A new instance profile is refused by EC2 and Auto Scaling for a while (`iam-propagation.ts`,
 * started from `Sandbox.handle`). Not simulated: inline and customer managed policies.
 */
import {
  DeleteConflictException,
  EntityAlreadyExistsException,
  InvalidInputException,
  LimitExceededException,
  MalformedPolicyDocumentException,
  NoSuchEntityException,
} from '@aws-sdk/client-iam';
import { iamError, modeledError } from './errors.js';
import type { Handler, InstanceProfileRecord, RoleRecord, ServiceSim, SimContext, Tag } from './types.js';

const NAME_RE = /^[\w+=,.@-]+$/;
const MANAGED_POLICY_RE = /^arn:aws:iam::aws:policy\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,128}$/;
const MAX_MANAGED_POLICIES = 10;

function checkName(value: unknown, member: string, max: number): string {
  const s = typeof value === 'string' ? value : '';
  if (!s || s.length > max || !NAME_RE.test(s)) {
    throw iamError(
      'ValidationError',
      `1 validation error detected: Value '${s}' at '${member}' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+ and have length between 1 and ${max}`,
    );
  }
  return s;
}

function checkPath(value: unknown): string {
  const p = value === undefined ? '/' : String(value);
  if (!/^(\/|\/[\u0021-\u007E]+\/)$/.test(p) || p.length > 512) {
    throw iamError('ValidationError', `1 validation error detected: Value '${p}' at 'path' failed to satisfy constraint: Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)`);
  }
  return p;
}

function checkTags(tags: { Key?: string; Value?: string }[] | undefined): Tag[] {
  const out = (tags ?? []).map((t) => ({ Key: String(t.Key ?? ''), Value: String(t.Value ?? '') }));
  const keys = out.map((t) => t.Key.toLowerCase());
  if (new Set(keys).size !== keys.length) throw modeledError(InvalidInputException, 'Duplicate tag keys found. Please note that Tag keys are case insensitive.');
  if (out.some((t) => !t.Key || t.Key.length > 128 || t.Value.length > 256)) {
    throw iamError('ValidationError', '1 validation error detected: tag keys must be 1–128 characters and values at most 256.');
  }
  return out;
}

/** Adds or overwrites tags (keys compare case-insensitively in IAM), at most 50. */
function mergeTags(existing: Tag[], added: Tag[]): Tag[] {
  const out = existing.filter((t) => !added.some((a) => a.Key.toLowerCase() === t.Key.toLowerCase()));
  const merged = [...out, ...added];
  if (merged.length > 50) throw modeledError(LimitExceededException, 'Cannot exceed quota for TagsPerRole: 50.');
  return merged;
}

function checkTrustPolicy(doc: unknown): string {
  if (typeof doc !== 'string' || !doc) throw iamError('ValidationError', "1 validation error detected: Value null at 'assumeRolePolicyDocument' failed to satisfy constraint: Member must not be null");
  let parsed: unknown;
  try {
    parsed = JSON.parse(doc);
  } catch {
    throw modeledError(MalformedPolicyDocumentException, 'This policy contains invalid Json');
  }
  const stmt = (parsed as { Statement?: unknown } | null)?.Statement;
  if (!parsed || typeof parsed !== 'object' || !stmt || (typeof stmt !== 'object')) {
    throw modeledError(MalformedPolicyDocumentException, 'Syntax errors in policy.');
  }
  const statements = Array.isArray(stmt) ? stmt : [stmt];
  for (const s of statements as { Principal?: unknown; Action?: unknown; Resource?: unknown }[]) {
    if (s.Resource !== undefined) throw modeledError(MalformedPolicyDocumentException, 'Has prohibited field Resource');
    if (s.Principal === undefined) throw modeledError(MalformedPolicyDocumentException, 'AssumeRolepolicy contained an invalid principal element');
  }
  return doc;
}

/** An IAM unique id: four-letter kind prefix and 17 upper-case characters. */
function uniqueId(ctx: SimContext, prefix: string): string {
  return `${prefix}${ctx.newId('x').slice(2).toUpperCase()}`;
}

function roleNamed(ctx: SimContext, name: unknown): RoleRecord {
  const r = ctx.world.iam.roles.find((x) => x.name === name);
  if (!r) throw modeledError(NoSuchEntityException, `The role with name ${String(name)} cannot be found.`, 404);
  return r;
}

function profileNamed(ctx: SimContext, name: unknown): InstanceProfileRecord {
  const p = ctx.world.iam.instanceProfiles.find((x) => x.name === name);
  if (!p) throw modeledError(NoSuchEntityException, `Instance Profile ${String(name)} cannot be found.`, 404);
  return p;
}

function sdkRole(r: RoleRecord, withDetail = false) {
  return {
    Path: r.path,
    RoleName: r.name,
    RoleId: r.id,
    Arn: r.arn,
    CreateDate: new Date(r.createdAt),
    AssumeRolePolicyDocument: encodeURIComponent(r.assumeRolePolicyDocument),
    ...(r.description !== undefined ? { Description: r.description } : {}),
    MaxSessionDuration: r.maxSessionDuration ?? 3600,
    ...(withDetail && r.tags.length ? { Tags: r.tags.map((t) => ({ ...t })) } : {}),
    ...(withDetail ? { RoleLastUsed: {} } : {}),
  };
}

function sdkProfile(ctx: SimContext, p: InstanceProfileRecord) {
  const roles = p.roleNames.map((n) => ctx.world.iam.roles.find((r) => r.name === n)).filter((r): r is RoleRecord => !!r);
  return {
    Path: p.path,
    InstanceProfileName: p.name,
    InstanceProfileId: p.id,
    Arn: p.arn,
    CreateDate: new Date(p.createdAt),
    Roles: roles.map((r) => sdkRole(r)),
    ...(p.tags.length ? { Tags: p.tags.map((t) => ({ ...t })) } : {}),
  };
}

/** IAM's Marker / MaxItems paging (the marker is the next index, opaque to callers). */
function iamPage<T>(items: T[], input: { Marker?: string; MaxItems?: number }) {
  const max = input.MaxItems ?? 100;
  if (!Number.isInteger(max) || max < 1 || max > 1000) {
    throw iamError('ValidationError', `1 validation error detected: Value '${max}' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 1000`);
  }
  const start = input.Marker ? Number(Buffer.from(input.Marker, 'base64').toString('utf8')) : 0;
  if (!Number.isInteger(start) || start < 0) throw iamError('ValidationError', 'Invalid Marker.');
  const slice = items.slice(start, start + max);
  const truncated = start + max < items.length;
  return { slice, IsTruncated: truncated, ...(truncated ? { Marker: Buffer.from(String(start + max)).toString('base64') } : {}) };
}

const handlers: Record<string, Handler> = {
  CreateRole: (ctx, input) => {
    const w = ctx.world;
    const name = checkName(input.RoleName, 'roleName', 64);
    const path = checkPath(input.Path);
    const doc = checkTrustPolicy(input.AssumeRolePolicyDocument);
    const tags = checkTags(input.Tags);
    if (tags.length > 50) throw modeledError(LimitExceededException, 'Cannot exceed quota for TagsPerRole: 50.');
    const maxSession = input.MaxSessionDuration;
    if (maxSession !== undefined && (!Number.isInteger(maxSession) || maxSession < 3600 || maxSession > 43200)) {
      throw iamError('ValidationError', `1 validation error detected: Value '${maxSession}' at 'maxSessionDuration' failed to satisfy constraint: Member must have value between 3600 and 43200`);
    }
    // Role names are unique case-insensitively.
    if (w.iam.roles.some((r) => r.name.toLowerCase() === name.toLowerCase())) {
      throw modeledError(EntityAlreadyExistsException, `Role with name ${name} already exists.`, 409);
    }
    const role: RoleRecord = {
      name,
      arn: `arn:aws:iam::${w.accountId}:role${path}${name}`,
      id: uniqueId(ctx, 'AROA'),
      path,
      assumeRolePolicyDocument: doc,
      attachedPolicyArns: [],
      createdAt: ctx.now,
      tags,
      ...(input.Description !== undefined ? { description: String(input.Description) } : {}),
      ...(maxSession !== undefined ? { maxSessionDuration: maxSession } : {}),
    };
    w.iam.roles.push(role);
    return { Role: { ...sdkRole(role), ...(tags.length ? { Tags: tags.map((t) => ({ ...t })) } : {}) } };
  },

  GetRole: (ctx, input) => ({ Role: sdkRole(roleNamed(ctx, input.RoleName), true) }),

  ListRoles: (ctx, input) => {
    const prefix = input.PathPrefix ?? '/';
    const { slice, ...rest } = iamPage(ctx.world.iam.roles.filter((r) => r.path.startsWith(prefix)), input);
    return { Roles: slice.map((r) => sdkRole(r)), ...rest };
  },

  DeleteRole: (ctx, input) => {
    const w = ctx.world;
    const role = roleNamed(ctx, input.RoleName);
    if (role.attachedPolicyArns.length) throw modeledError(DeleteConflictException, 'Cannot delete entity, must detach all policies first.', 409);
    if (w.iam.instanceProfiles.some((p) => p.roleNames.includes(role.name))) {
      throw modeledError(DeleteConflictException, 'Cannot delete entity, must remove roles from instance profile first.', 409);
    }
    w.iam.roles.splice(w.iam.roles.indexOf(role), 1);
    return {};
  },

  AttachRolePolicy: (ctx, input) => {
    const role = roleNamed(ctx, input.RoleName);
    const arn = String(input.PolicyArn ?? '');
    if (!/^arn:aws:iam::(aws|\d{12}):policy\//.test(arn)) throw modeledError(InvalidInputException, `ARN ${arn} is not valid.`);
    // Only AWS managed policies exist in the sandbox (it has no CreatePolicy).
    if (!MANAGED_POLICY_RE.test(arn)) throw modeledError(NoSuchEntityException, `Policy ${arn} does not exist or is not attachable.`, 404);
    if (role.attachedPolicyArns.includes(arn)) return {};
    if (role.attachedPolicyArns.length >= MAX_MANAGED_POLICIES) {
      throw modeledError(LimitExceededException, `Cannot exceed quota for PoliciesPerRole: ${MAX_MANAGED_POLICIES}`, 409);
    }
    role.attachedPolicyArns.push(arn);
    return {};
  },

  DetachRolePolicy: (ctx, input) => {
    const role = roleNamed(ctx, input.RoleName);
    const i = role.attachedPolicyArns.indexOf(String(input.PolicyArn ?? ''));
    if (i < 0) throw modeledError(NoSuchEntityException, `Policy ${String(input.PolicyArn)} was not found.`, 404);
    role.attachedPolicyArns.splice(i, 1);
    return {};
  },

  ListAttachedRolePolicies: (ctx, input) => {
    const role = roleNamed(ctx, input.RoleName);
    const prefix = input.PathPrefix ?? '/';
    const policies = role.attachedPolicyArns
      .map((arn) => {
        const rest = arn.replace(/^arn:aws:iam::[^:]*:policy/, '');
        return { PolicyName: rest.slice(rest.lastIndexOf('/') + 1), PolicyArn: arn, path: rest.slice(0, rest.lastIndexOf('/') + 1) };
      })
      .filter((p) => p.path.startsWith(prefix));
    const { slice, ...rest } = iamPage(policies, input);
    return { AttachedPolicies: slice.map(({ PolicyName, PolicyArn }) => ({ PolicyName, PolicyArn })), ...rest };
  },

  TagRole: (ctx, input) => {
    const role = roleNamed(ctx, input.RoleName);
    role.tags = mergeTags(role.tags, checkTags(input.Tags));
    return {};
  },

  UntagRole: (ctx, input) => {
    const role = roleNamed(ctx, input.RoleName);
    const keys = ((input.TagKeys ?? []) as string[]).map((k) => k.toLowerCase());
    role.tags = role.tags.filter((t) => !keys.includes(t.Key.toLowerCase()));
    return {};
  },

  ListRoleTags: (ctx, input) => {
    const role = roleNamed(ctx, input.RoleName);
    const { slice, ...rest } = iamPage(role.tags, input);
    return { Tags: slice.map((t) => ({ ...t })), ...rest };
  },

  CreateInstanceProfile: (ctx, input) => {
    const w = ctx.world;
    const name = checkName(input.InstanceProfileName, 'instanceProfileName', 128);
    const path = checkPath(input.Path);
    const tags = checkTags(input.Tags);
    if (w.iam.instanceProfiles.some((p) => p.name.toLowerCase() === name.toLowerCase())) {
      throw modeledError(EntityAlreadyExistsException, `Instance Profile ${name} already exists.`, 409);
    }
    const profile: InstanceProfileRecord = {
      name,
      arn: `arn:aws:iam::${w.accountId}:instance-profile${path}${name}`,
      id: uniqueId(ctx, 'AIPA'),
      path,
      roleNames: [],
      createdAt: ctx.now,
      tags,
    };
    w.iam.instanceProfiles.push(profile);
    return { InstanceProfile: sdkProfile(ctx, profile) };
  },

  GetInstanceProfile: (ctx, input) => ({ InstanceProfile: sdkProfile(ctx, profileNamed(ctx, input.InstanceProfileName)) }),

  TagInstanceProfile: (ctx, input) => {
    const profile = profileNamed(ctx, input.InstanceProfileName);
    profile.tags = mergeTags(profile.tags, checkTags(input.Tags));
    return {};
  },

  ListInstanceProfiles: (ctx, input) => {
    const prefix = input.PathPrefix ?? '/';
    const { slice, ...rest } = iamPage(ctx.world.iam.instanceProfiles.filter((p) => p.path.startsWith(prefix)), input);
    return { InstanceProfiles: slice.map((p) => sdkProfile(ctx, p)), ...rest };
  },

  AddRoleToInstanceProfile: (ctx, input) => {
    const profile = profileNamed(ctx, input.InstanceProfileName);
    const role = roleNamed(ctx, input.RoleName);
    // One role per instance profile, the same role again included.
    if (profile.roleNames.length >= 1) {
      throw modeledError(LimitExceededException, 'Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1', 409);
    }
    profile.roleNames.push(role.name);
    return {};
  },

  RemoveRoleFromInstanceProfile: (ctx, input) => {
    const profile = profileNamed(ctx, input.InstanceProfileName);
    const role = roleNamed(ctx, input.RoleName);
    const i = profile.roleNames.indexOf(role.name);
    if (i < 0) throw modeledError(NoSuchEntityException, `The role with name ${role.name} cannot be found.`, 404);
    profile.roleNames.splice(i, 1);
    return {};
  },

  DeleteInstanceProfile: (ctx, input) => {
    const w = ctx.world;
    const profile = profileNamed(ctx, input.InstanceProfileName);
    if (profile.roleNames.length) throw modeledError(DeleteConflictException, 'Cannot delete entity, must remove roles from instance profile first.', 409);
    w.iam.instanceProfiles.splice(w.iam.instanceProfiles.indexOf(profile), 1);
    return {};
  },

  ListInstanceProfilesForRole: (ctx, input) => {
    const role = roleNamed(ctx, input.RoleName);
    const list = ctx.world.iam.instanceProfiles.filter((p) => p.roleNames.includes(role.name));
    const { slice, ...rest } = iamPage(list, input);
    return { InstanceProfiles: slice.map((p) => sdkProfile(ctx, p)), ...rest };
  },
};

/** IAM as one simulated service (global: one account, no region). */
export const iamSim: ServiceSim = { clientName: 'IAMClient', handlers };
