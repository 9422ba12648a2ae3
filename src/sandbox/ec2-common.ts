/** What every EC2 simulation file shares: tags at creation, server-side filters, paging. */
import { ec2Error } from './errors.js';
import type { Tag } from './types.js';

type TagSpecification = { ResourceType?: string; Tags?: { Key?: string; Value?: string }[] };

/** The tags a create call asked for on one resource type (`TagSpecifications`), validated as EC2 does. */
export function tagsFor(specs: TagSpecification[] | undefined, resourceType: string): Tag[] {
  const out: Tag[] = [];
  for (const spec of specs ?? []) {
    if (!spec.ResourceType) throw ec2Error('InvalidParameterValue', 'Tag specification resource type must have a value');
    if (spec.ResourceType !== resourceType) continue;
    for (const t of spec.Tags ?? []) {
      if (!t.Key) throw ec2Error('InvalidParameterValue', 'Tag key must have a value');
      if (t.Key.toLowerCase().startsWith('aws:')) throw ec2Error('InvalidParameterValue', `Tag keys starting with 'aws:' are reserved for internal use`);
      out.push({ Key: t.Key, Value: t.Value ?? '' });
    }
  }
  return out;
}

/** Resource types a create call may tag (others in TagSpecifications are an error, as on EC2). */
export function checkTagSpecTypes(specs: TagSpecification[] | undefined, allowed: string[]): void {
  for (const spec of specs ?? []) {
    if (spec.ResourceType && !allowed.includes(spec.ResourceType)) {
      throw ec2Error('InvalidParameterValue', `'${spec.ResourceType}' is not a valid taggable resource type for this operation.`);
    }
  }
}

export type Filter = { Name?: string; Values?: string[] };

/** Glob as EC2 filters take it: `*` any run, `?` one character. */
function globMatch(pattern: string, value: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return re.test(value);
}

/**
 * Applies EC2 `Filters` server-side. `fields` maps a filter name to the values a resource has for
 * it; `tag:Key` and `tag-key` / `tag-value` come from `tags`. An unknown filter name is EC2's
 * `InvalidParameterValue`.
 */
export function matchesFilters(
  filters: Filter[] | undefined,
  fields: Record<string, string | string[] | boolean | undefined>,
  tags: Tag[] = [],
): boolean {
  for (const f of filters ?? []) {
    const name = f.Name ?? '';
    const wanted = f.Values ?? [];
    let have: string[];
    if (name.startsWith('tag:')) have = tags.filter((t) => t.Key === name.slice(4)).map((t) => t.Value);
    else if (name === 'tag-key') have = tags.map((t) => t.Key);
    else if (name === 'tag-value') have = tags.map((t) => t.Value);
    else if (name in fields) {
      const v = fields[name];
      have = v === undefined ? [] : Array.isArray(v) ? v : [String(v)];
    } else throw ec2Error('InvalidParameterValue', `The filter '${name}' is invalid`);
    if (!have.some((h) => wanted.some((w) => globMatch(w, h)))) return false;
  }
  return true;
}

/** One page of `items` for `MaxResults` / `NextToken` (the token is the next index, opaque to callers). */
export function page<T>(items: T[], maxResults: number | undefined, nextToken: string | undefined, limits = { min: 5, max: 1000 }) {
  if (maxResults !== undefined && (maxResults < limits.min || maxResults > limits.max)) {
    throw ec2Error('InvalidParameterValue', `Value ( ${maxResults} ) for parameter maxResults is invalid. Expecting a value between ${limits.min} and ${limits.max}.`);
  }
  const start = nextToken ? Number(Buffer.from(nextToken, 'base64').toString('utf8')) : 0;
  if (!Number.isInteger(start) || start < 0) throw ec2Error('InvalidParameterValue', 'Invalid value for NextToken');
  const size = maxResults ?? items.length;
  const slice = items.slice(start, start + size);
  const next = start + size < items.length ? Buffer.from(String(start + size)).toString('base64') : undefined;
  return { items: slice, nextToken: next };
}

/** Tags in the SDK's shape. */
export const sdkTags = (tags: Tag[]) => tags.map((t) => ({ Key: t.Key, Value: t.Value }));
