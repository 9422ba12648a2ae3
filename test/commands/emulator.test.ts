/**
 * An endpoint that is not AWS (the sandbox acting as moto: four Auto Scaling operations answer
 * moto's HTML 404 page through the SDK's real deserializer, load balancers have no address)
 * carries the whole lifecycle: up, plan with nothing to do, status, a second up with no write.
 * A missing read is "nothing there" with one warning line per operation; a missing write the run
 * needs fails with one line naming the endpoint, the operation and the HTTP status.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { AutoScalingClient, DescribeNotificationConfigurationsCommand } from '@aws-sdk/client-auto-scaling';
import { SNSServiceException } from '@aws-sdk/client-sns';
import { runWizard, tmpSandboxFile, type RunResult } from '../helpers/run.js';
import { Sandbox } from '../../src/sandbox/index.js';
import { unimplementedAnswer } from '../../src/aws/unimplemented.js';

const MOTO = { ASG_WIZARD_SANDBOX_EMULATE: 'moto' };
const ENDPOINT = 'the sandbox (acting as moto)';
const warnings = (r: RunResult) => r.stderr.split('\n').filter((l) => l.startsWith('warning:'));
const errorLine = (r: RunResult) => r.stderr.split('\n').find((l) => l.startsWith('error:')) ?? '';
const missingRead = (op: string) => `warning: ${ENDPOINT} does not implement AutoScaling ${op} (HTTP 404, an HTML page, not an AWS answer): taken as none`;

describe('the sandbox acting as moto', () => {
  it('answers the operations moto lacks with its HTML page, which the SDK itself fails to parse', async () => {
    const file = tmpSandboxFile();
    const sandbox = new Sandbox({ file, emulate: 'moto' });
    const client = new AutoScalingClient({ region: 'ap-northeast-2', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, endpoint: 'http://127.0.0.1:9' });
    client.middlewareStack.use(sandbox.plugin());
    const err = (await client.send(new DescribeNotificationConfigurationsCommand({})).then(() => undefined, (e: Error) => e))!;
    expect(err.message).toMatch(/XML parse error[\s\S]*\$response/);
    expect((err as Error & { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(404);
    expect(sandbox.calls.map((c) => `${c.command} ${c.error}`)).toEqual(['DescribeNotificationConfigurations HTML 404 (not implemented by the emulator)']);
    client.destroy();
  });
});

describe('unimplementedAnswer', () => {
  const meta = (status: number) => ({ $metadata: { httpStatusCode: status } });
  it('recognises an HTML page or a 501, never an AWS error document or a transient failure', () => {
    const html = Object.assign(new Error('@aws-sdk XML parse error: mismatched tags'), meta(404));
    expect(unimplementedAnswer(html)).toEqual({ status: 404, body: 'not an AWS answer' });
    const page = Object.assign(new Error('Unknown'), meta(404));
    Object.defineProperty(page, '$response', { value: { headers: { 'Content-Type': 'text/html; charset=utf-8' } } });
    expect(unimplementedAnswer(page)).toEqual({ status: 404, body: 'an HTML page, not an AWS answer' });
    expect(unimplementedAnswer(Object.assign(new Error("API action 'X' for service 'autoscaling' not yet implemented"), meta(501)))?.status).toBe(501);
    // SNS answers a missing topic with a real 404 NotFound: that is an answer, not a missing operation.
    expect(unimplementedAnswer(new SNSServiceException({ name: 'NotFound', $fault: 'client', $metadata: { httpStatusCode: 404 }, message: 'Topic does not exist' }))).toBeUndefined();
    expect(unimplementedAnswer(Object.assign(new Error('@aws-sdk XML parse error'), meta(503)))).toBeUndefined();
    expect(unimplementedAnswer(new Error('connect ECONNREFUSED'))).toBeUndefined();
  });
});

describe('the lifecycle against an endpoint that lacks operations', () => {
  const file = tmpSandboxFile();
  let up: RunResult;

  beforeAll(async () => {
    up = await runWizard(file, ['up', '--yes', '--no-notifications', '--no-verify'], { env: MOTO });
  }, 120_000);

  it('up --no-notifications --no-verify builds the lab', () => {
    expect(errorLine(up)).toBe('');
    expect(up.code).toBe(0);
    expect(up.stdout).toMatch(/^URL: http:\/\/web-alb-/im);
    expect(up.stderr).not.toMatch(/XML parse error|\$response/);
  });

  it('plan shows nothing to do, with one warning for the read moto lacks', async () => {
    const plan = await runWizard(file, ['plan', '--no-notifications', '--detailed-exitcode'], { env: MOTO });
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toMatch(/^No changes: \d+ unchanged\.$/m);
    expect(warnings(plan)).toEqual([missingRead('DescribeInstanceRefreshes')]);
  });

  it('status works: one warning line per operation moto lacks, the stack shown', async () => {
    const status = await runWizard(file, ['status'], { env: MOTO });
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/^Auto Scaling group Web-ASG: min 2, desired 2, max 4/m);
    expect(warnings(status).sort()).toEqual([missingRead('DescribeInstanceRefreshes'), missingRead('DescribeNotificationConfigurations')]);
  });

  it('a second up writes nothing', async () => {
    const again = await runWizard(file, ['up', '--yes', '--no-notifications', '--no-verify'], { env: MOTO });
    expect(again.code, again.stderr).toBe(0);
    expect(again.writes).toEqual([]);
  });

  it('verify stays on by default, and says the load balancer does not answer', async () => {
    const r = await runWizard(tmpSandboxFile(), ['up', '--yes', '--no-notifications'], { env: MOTO });
    expect(r.code).toBe(1);
    expect(errorLine(r)).toMatch(/^error: verify: http:\/\/Web-ALB-\S+ did not answer 200 in \d+ tries \(last: no answer\)$/i);
  });

  it('a write the run needs fails with one line: the endpoint, the operation, the HTTP status', async () => {
    const r = await runWizard(file, ['up', '--yes', '--no-verify'], { env: MOTO });
    expect(r.code).toBe(1);
    expect(errorLine(r)).toBe(`error: auto-scaling: ${ENDPOINT} does not implement AutoScaling PutNotificationConfiguration (HTTP 404, an HTML page, not an AWS answer)`);
    expect(r.stderr).toMatch(/^hint: leave the Auto Scaling notifications out against this endpoint: --no-notifications$/m);
    expect(r.stderr).not.toMatch(/XML parse error|\$response|rerun with --debug/);
  });
});
