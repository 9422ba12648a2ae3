/** Tags between the SDK's list shape and a plain record. */
export type TagMap = Record<string, string>;

export function tagMap(tags: { Key?: string; Value?: string }[] | undefined): TagMap {
  const out: TagMap = {};
  for (const t of tags ?? []) if (t.Key) out[t.Key] = t.Value ?? '';
  return out;
}

export function tagList(tags: TagMap): { Key: string; Value: string }[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}
