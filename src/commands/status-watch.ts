/**
 * `status --watch`: the stack read again every few seconds until Ctrl-C, which ends it with exit
 * 0. On a terminal each frame is drawn in place (from the top-left corner, every line cleared to
 * its end, what is below cleared, lines cut to the width: a resize redraws at once and leaves
 * nothing stale); anywhere else each look is printed as one snapshot of lines, or one JSON object
 * per line with `--json`. The wait between looks is the run's (`Deps.sleep`), so tests move the
 * sandbox clock instead of sleeping.
 */
import type { StackConfig } from '../config/schema.js';
import { wrapAwsError } from '../errors.js';
import { endpointLabel } from '../steps/notifications.js';
import { fitToWidth, renderWatchFrame } from '../ui/render-watch.js';
import { realSleep, type Run } from './context.js';
import { readStatus } from './status.js';

const ESC = '\x1b[';

/** Whether frames can be drawn in place: stdout is a terminal that moves its cursor. */
function canRedraw(run: Run): boolean {
  const out = run.deps.stdout as { isTTY?: boolean };
  return out.isTTY === true && run.deps.env.TERM !== 'dumb';
}

/** Watches until Ctrl-C (or `looks` looks, for a bounded run); returns the exit code (0). */
export async function watchStatus(run: Run, config: StackConfig, account: string | null, o: { intervalSeconds: number; json: boolean }): Promise<number> {
  const stop = new AbortController();
  const release = run.deps.onSigint?.(() => stop.abort()) ?? (() => undefined);
  const sleep = run.deps.sleep ?? realSleep;
  const stdout = run.deps.stdout as NodeJS.WriteStream;
  const redraw = canRedraw(run) && !o.json;
  let last: string[] = [];
  const draw = (lines: string[]) => {
    // One column short of the width: a line filling the last column leaves the cursor waiting to
    // wrap, and some terminals (tmux) then mark it wrapped.
    const fitted = fitToWidth(lines, (stdout.columns || 80) - 1);
    stdout.write(`${ESC}H${fitted.map((l) => `${l}${ESC}K`).join('\n')}\n${ESC}J`);
  };
  const onResize = () => draw(last);
  if (redraw) {
    stdout.write(`${ESC}?25l${ESC}2J`);
    stdout.on('resize', onResize);
  }
  try {
    while (!stop.signal.aborted) {
      let status;
      try {
        status = await readStatus(run.aws, config, run.region, endpointLabel);
      } catch (err) {
        throw wrapAwsError(err, 'status', 'read');
      }
      const at = new Date(run.sandbox ? run.sandbox.now() : Date.now()).toISOString();
      if (o.json) run.out(JSON.stringify({ ...status, account, at, writes: run.clients.writes.length }));
      else {
        last = renderWatchFrame(status, { at, intervalSeconds: o.intervalSeconds });
        if (redraw) draw(last);
        else run.out(`${last.join('\n')}\n`);
      }
      await sleep(o.intervalSeconds * 1000, stop.signal);
    }
  } finally {
    release();
    if (redraw) {
      stdout.off('resize', onResize);
      stdout.write(`${ESC}?25h`);
    }
  }
  return 0;
}
