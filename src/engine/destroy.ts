/**
 * Destroy walks the lab's step graph backwards. Each lab step's teardown runs once every step
 * that needed it has been torn down — the group before its launch template, the template before
 * the image and the instances' security group, the load balancer after the instances' group
 * (whose rule names its group), the network last — so AWS meets each deletion only after what
 * depended on it is gone. The same engine plans (reads only) and applies (writes accounted to
 * rows) as for `up`.
 */
import type { AnyStep, StepId } from './types.js';

/**
 * The teardowns with `needs` reversed from the lab graph: a teardown needs the teardowns of the
 * steps that needed its lab step, looking through lab steps that have no teardown of their own
 * (the bake's clean-up, verify).
 */
export function reverseGraph(lab: readonly AnyStep[], teardowns: readonly AnyStep[]): AnyStep[] {
  const have = new Set(teardowns.map((t) => t.id));
  const dependents = (id: StepId, seen = new Set<StepId>()): StepId[] => {
    const out: StepId[] = [];
    for (const s of lab) {
      if (!s.needs.includes(id) || seen.has(s.id)) continue;
      seen.add(s.id);
      if (have.has(s.id)) out.push(s.id);
      else out.push(...dependents(s.id, seen));
    }
    return out;
  };
  return teardowns.map((t) => ({ ...t, needs: [...new Set(dependents(t.id))] }));
}
