/**
 * The recurrence of an Auto Scaling scheduled action: a Unix cron expression of five fields
 * (minute hour day-of-month month day-of-week; "The value must be in quotes (for example,
 * "30 0 1 1,6,12 *")", Auto Scaling API reference, PutScheduledUpdateGroupAction), in UTC or
 * the action's `TimeZone`. Both sides agree on it here: the product refuses a recurrence AWS
 * would refuse before it writes anything, and the sandbox refuses and runs recurrences by it.
 */

type CronField = Set<number>;
export interface Cron { minute: CronField; hour: CronField; dom: CronField; month: CronField; dow: CronField; domAny: boolean; dowAny: boolean }

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

function parseField(text: string, lo: number, hi: number, names?: string[], nameBase = 0): CronField {
  const out = new Set<number>();
  const num = (s: string) => {
    const i = names?.indexOf(s.toLowerCase()) ?? -1;
    const v = i >= 0 ? i + nameBase : /^\d+$/.test(s) ? Number(s) : NaN;
    if (!(v >= lo && v <= hi)) throw new Error(s);
    return v;
  };
  for (const part of text.split(',')) {
    const [range = '', stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new Error(part);
    let [a, b] = [lo, hi];
    if (range !== '*') {
      const [x = '', y] = range.split('-');
      a = num(x);
      b = y !== undefined ? num(y) : stepText !== undefined ? hi : a;
    }
    if (a > b) throw new Error(part);
    for (let v = a; v <= b; v += step) out.add(v);
  }
  return out;
}

/** Parses a Unix cron expression (minute hour day-of-month month day-of-week), as Recurrence takes. */
export function parseCron(expr: string): Cron | undefined {
  const f = expr.trim().split(/\s+/);
  if (f.length !== 5) return undefined;
  try {
    const dow = parseField(f[4]!, 0, 7, DAYS);
    if (dow.has(7)) dow.add(0);
    return {
      minute: parseField(f[0]!, 0, 59), hour: parseField(f[1]!, 0, 23), dom: parseField(f[2]!, 1, 31),
      month: parseField(f[3]!, 1, 12, MONTHS, 1), dow, domAny: f[2] === '*', dowAny: f[4] === '*',
    };
  } catch {
    return undefined;
  }
}

/** The time zone's offset from UTC at `at`, in ms (DST changes inside a scan are ignored). */
function tzOffset(timeZone: string | undefined, at: number): number {
  if (!timeZone || timeZone === 'UTC' || timeZone === 'Etc/UTC') return 0;
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' }).formatToParts(at);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute')) - Math.floor(at / 60_000) * 60_000;
}

/** The first minute after `after` and not after `until` that `cron` matches, or undefined. */
export function nextCronRun(cron: Cron, after: number, until: number, timeZone?: string): number | undefined {
  const off = tzOffset(timeZone, after);
  let t = (Math.floor((after + off) / 60_000) + 1) * 60_000; // local wall-clock minutes, as epoch ms
  const end = until + off;
  while (t <= end) {
    const d = new Date(t);
    const dayOk = cron.domAny && cron.dowAny ? true
      : cron.domAny ? cron.dow.has(d.getUTCDay())
      : cron.dowAny ? cron.dom.has(d.getUTCDate())
      : cron.dom.has(d.getUTCDate()) || cron.dow.has(d.getUTCDay());
    if (!cron.month.has(d.getUTCMonth() + 1) || !dayOk) {
      t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
      continue;
    }
    if (!cron.hour.has(d.getUTCHours())) {
      t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours() + 1);
      continue;
    }
    if (cron.minute.has(d.getUTCMinutes())) return t - off;
    t += 60_000;
  }
  return undefined;
}

/** Why `expr` is not a recurrence AWS takes, or undefined when it is. */
export function cronProblem(expr: string): string | undefined {
  const fields = expr.trim().split(/\s+/).filter(Boolean);
  if (fields.length !== 5) return `a cron expression has five fields (minute hour day-of-month month day-of-week), this has ${fields.length}`;
  return parseCron(expr) ? undefined : 'a field is out of range or not cron (numbers, *, ranges a-b, lists a,b, steps /n; months and days by number or three-letter name)';
}

/** Whether `zone` is an IANA time zone name this runtime knows (`Europe/Paris`, `UTC`). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
