/**
 * The bake instance's life: launched once (a ClientToken makes a retried launch return the
 * first instance), waited on until its user data has really finished, and terminated with its
 * security group afterwards. Used by the bake step's apply only.
 */
import { estimate } from '../engine/waits.js';
import { createHash } from 'node:crypto';
import { isAwsError, WizardError } from '../errors.js';
import { STACK_TAG, type StackConfig } from '../config/schema.js';
import type { Instance } from '../aws/ec2-compute.js';
import { poll } from '../aws/poll.js';
import type { StepContext } from '../engine/types.js';
import { stackTags } from './common.js';
import { waitOpts } from './network.js';
import { parseSignal, USER_DATA_DONE_MARKER, USER_DATA_DONE_PATH } from '../contract/user-data.js';

/** Marks the bake instance among the stack's instances. */
export const ROLE_TAG = 'asg-wizard:role';
/** Which image a bake instance is for (a new --image-name never reuses another's instance). */
export const IMAGE_NAME_TAG = 'asg-wizard:image-name';
/** A digest of the user data it runs (a changed --user-data file never reuses the old instance). */
export const USER_DATA_TAG = 'asg-wizard:user-data-sha256';

/** The first 16 hex digits of the user data's SHA-256. */
export function userDataDigest(userData: string): string {
  return createHash('sha256').update(userData).digest('hex').slice(0, 16);
}

/** Whether a bake instance left by an interrupted run is the one this bake would launch. */
export function isResumable(instance: Instance, config: StackConfig, userData: string): boolean {
  return instance.tags[IMAGE_NAME_TAG] === config.image.name && instance.instanceType === config.instances.instanceType &&
    instance.tags[USER_DATA_TAG] === userDataDigest(userData);
}

/** Names of the bake's passing resources (the instance's is the lab's: `Web server for custom AMI`). */
export function bakeNames(config: StackConfig) {
  return { securityGroup: `${config.stack}-Bake-SG`, instance: `${config.stack} server for custom AMI` };
}

/** Filters for this stack's bake instances that are not (yet) terminated. */
export function bakeInstanceFilters(config: StackConfig) {
  return [
    { Name: `tag:${STACK_TAG}`, Values: [config.stack] },
    { Name: `tag:${ROLE_TAG}`, Values: ['bake'] },
    { Name: 'instance-state-name', Values: ['pending', 'running', 'shutting-down', 'stopping', 'stopped'] },
  ];
}

export interface LaunchSpec {
  imageId: string;
  instanceType: string;
  subnetId: string;
  securityGroupId: string;
  userData: string;
}

/**
 * A ClientToken from everything the launch depends on. A rerun after a lost answer gets the same
 * token and so the same instance; a new bake (a new image name, or a new bake group after the
 * last one was deleted) gets another. `attempt` moves on when the token's instance has ended.
 */
export function bakeClientToken(config: StackConfig, spec: LaunchSpec, attempt: number): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([config.stack, config.image.name, spec.imageId, spec.instanceType, spec.subnetId, spec.securityGroupId, spec.userData]))
    .digest('hex')
    .slice(0, 40);
  return `asgw-bake-${digest}-${attempt}`;
}

/** Tokens tried in turn before one of its own (EC2 keeps a token bound a day after its instance ended). */
const DERIVED_TOKENS = 5;

const alive = (i: Instance) => i.state === 'pending' || i.state === 'running';

/**
 * Launches the bake instance (or gets back the one a previous try of this launch made). When the
 * token's instance was terminated — by hand, or by a bake that failed — EC2 answers
 * `IdempotentInstanceTerminated` for at least a day; the bake goes on with the next token.
 */
export async function launchBakeInstance(ctx: StepContext, spec: LaunchSpec): Promise<Instance> {
  const { config, aws } = ctx;
  const name = bakeNames(config).instance;
  const tags = [
    ...stackTags(config, name), { Key: ROLE_TAG, Value: 'bake' }, { Key: IMAGE_NAME_TAG, Value: config.image.name },
    { Key: USER_DATA_TAG, Value: userDataDigest(spec.userData) },
  ];
  let last: Instance | undefined;
  for (let attempt = 1; attempt <= DERIVED_TOKENS + 1; attempt++) {
    // Past the derived tokens (five bakes ended within a day), one no earlier run can have used.
    const clientToken = attempt <= DERIVED_TOKENS ? bakeClientToken(config, spec, attempt) : bakeClientToken(config, spec, Date.now());
    ctx.progress.update(`launching the bake instance (${spec.instanceType})`);
    try {
      last = await aws.compute.runInstance({
        imageId: spec.imageId, instanceType: spec.instanceType, subnetId: spec.subnetId, securityGroupIds: [spec.securityGroupId],
        userData: spec.userData, clientToken, tags, volumeTags: stackTags(config, name),
      });
    } catch (err) {
      if (isAwsError(err, 'IdempotentInstanceTerminated')) continue;
      throw err;
    }
    if (alive(last)) return last;
    // The token's instance is ending (shutting down): EC2 answers with it, so take the next token.
  }
  throw new WizardError(`bake: the bake instance ${last?.id ?? ''} is ${last?.state ?? 'gone'} right after launch${last?.stateReason ? ` (${last.stateReason})` : ''}`, 'run the bake again; if it keeps failing, try another --instance-type');
}

function lastLine(text: string): string {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  const l = lines[lines.length - 1] ?? '';
  return l.length > 120 ? `${l.slice(0, 117)}…` : l;
}

/**
 * Waits until the user data has finished for real: the completion signal the product added to it
 * (contract/user-data.ts) says so, with the script's exit status. The console output is read live
 * where the type allows (Nitro, `Latest`); on Xen types such as t2.micro EC2 posts it only around
 * state changes, so the signal is also fetched over HTTP from the instance's public IP (the bake
 * group admits the caller on port 80). A script that failed ends the bake at once: its instance
 * is terminated (its console output, posted at termination, shows why) and no image is made.
 */
export async function waitForUserData(ctx: StepContext, instance: Instance, latestConsole: boolean): Promise<void> {
  const { aws, web } = ctx;
  const url = instance.publicIp ? `http://${instance.publicIp}${USER_DATA_DONE_PATH}` : undefined;
  const signal = await poll(async () => {
    const out = await aws.compute.consoleOutput(instance.id, latestConsole);
    const fromConsole = parseSignal(out.text);
    if (fromConsole) return { done: true, value: fromConsole };
    let http = '';
    if (url) {
      const r = await web.get(url, 3000);
      const fromHttp = r.status === 200 ? parseSignal(r.body) : undefined;
      if (fromHttp) return { done: true, value: fromHttp };
      http = `, nor at ${url} (${r.status ? `HTTP ${r.status}` : `no answer: ${lastLine(r.body)}`})`;
    }
    const tail = lastLine(out.text);
    const where = latestConsole ? 'the console output' : 'the console output (posted at state changes only on this type)';
    return {
      done: false,
      pending: `no ${USER_DATA_DONE_MARKER} signal in ${where} of ${instance.id} yet${tail ? ` (last line: ${tail})` : ' (no output yet)'}${http}`,
    };
  }, {
    what: `the user data of bake instance ${instance.id} to finish`,
    ...ctx.waits.bound('user-data'),
    onPending: () => ctx.progress.update(`waiting for the user data to finish (${estimate('user-data')})`),
    suggestion: `the instance is left running: see its console (aws ec2 get-console-output --instance-id ${instance.id}${latestConsole ? ' --latest' : ''}) ` +
      `and /var/log/cloud-init-output.log on it; port 80 of ${instance.publicIp ?? 'its public IP'} must be reachable from here (behind a proxy, give --my-ip); run the bake again to resume`,
  });
  if (signal.exit !== undefined && signal.exit !== 0) {
    // Baking it would make a broken image; resuming it would only fail again.
    await aws.compute.terminateInstances([instance.id]);
    throw new WizardError(
      `bake: the user data of bake instance ${instance.id} failed with exit status ${signal.exit}: no image was made`,
      `the instance is terminated; its console output, posted at termination, shows the script's output (aws ec2 get-console-output --instance-id ${instance.id}); fix the user data and run the bake again`,
    );
  }
}
