/**
 * The only place SDK clients are built: once per run, lazily (start-up time matters), all with
 * the same region, profile, endpoint and retry settings, and — under `--sandbox` — the sandbox
 * answering inside each client's middleware stack. Every client also counts the mutating calls
 * it sends, which `up --json` reports as `writes` and the idempotency tests read.
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import { IAMClient } from '@aws-sdk/client-iam';
import { ACMClient } from '@aws-sdk/client-acm';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { Pluggable } from '@smithy/types';
import type { Sandbox } from '../sandbox/index.js';
import { isMutating } from '../contract/aws-calls.js';
import type { PropagationPolicy } from './consistency.js';
import { UnimplementedOperationError } from '../errors.js';
import { unimplementedAnswer } from './unimplemented.js';

export interface ClientOptions {
  region: string;
  profile?: string;
  endpointUrl?: string;
  sandbox?: Sandbox;
  /** Attempts per call, the first included (the SDK's default is 3). */
  maxAttempts?: number;
  /** How long adapters retry what AWS has not propagated yet (default: real AWS's, `consistency.ts`). */
  propagation?: PropagationPolicy;
  /** How messages name the endpoint (`the sandbox (acting as moto)`); else its URL. */
  endpointLabel?: string;
  /** Told once per operation that the endpoint does not implement a read (taken as "nothing there"). */
  onWarning?: (text: string) => void;
  /** The plan row being applied when a write is sent (the engine's), recorded with the write. */
  currentRow?: () => string | undefined;
}

/** A mutating call this run sent: its service and command (`EC2 CreateVpc`). */
export interface WriteRecord {
  service: string;
  command: string;
  /** The key of the plan row being applied when it was sent, if any. */
  row?: string;
}

type AnyClient = { middlewareStack: { use(p: Pluggable<any, any>): void } };

/** Lazily built SDK clients sharing one configuration and one write counter. */
export class AwsClients {
  readonly writes: WriteRecord[] = [];
  private readonly cache = new Map<string, unknown>();
  private readonly warned = new Set<string>();

  constructor(readonly options: ClientOptions) {}

  get ec2(): EC2Client {
    return this.get('ec2', (c) => new EC2Client(c));
  }
  get elbv2(): ElasticLoadBalancingV2Client {
    return this.get('elbv2', (c) => new ElasticLoadBalancingV2Client(c));
  }
  get autoscaling(): AutoScalingClient {
    return this.get('autoscaling', (c) => new AutoScalingClient(c));
  }
  get sns(): SNSClient {
    return this.get('sns', (c) => new SNSClient(c));
  }
  get ssm(): SSMClient {
    return this.get('ssm', (c) => new SSMClient(c));
  }
  get sts(): STSClient {
    return this.get('sts', (c) => new STSClient(c));
  }
  get iam(): IAMClient {
    // IAM is global; the SDK resolves its endpoint from any region.
    return this.get('iam', (c) => new IAMClient(c));
  }

  get acm(): ACMClient {
    return this.get('acm', (c) => new ACMClient(c));
  }

  get cloudwatch(): CloudWatchClient {
    return this.get('cloudwatch', (c) => new CloudWatchClient(c));
  }

  /** Closes the clients' sockets (a CLI run ends sooner). */
  destroy(): void {
    for (const c of this.cache.values()) (c as { destroy(): void }).destroy();
    this.cache.clear();
  }

  private get<T>(key: string, make: (config: Record<string, unknown>) => T): T {
    let client = this.cache.get(key) as T | undefined;
    if (!client) {
      client = make(this.config());
      const stack = client as unknown as AnyClient;
      stack.middlewareStack.use(this.writeCounter());
      stack.middlewareStack.use(this.unimplementedGuard());
      if (this.options.sandbox) stack.middlewareStack.use(this.options.sandbox.plugin());
      this.cache.set(key, client);
    }
    return client;
  }

  private config(): Record<string, unknown> {
    const o = this.options;
    const config: Record<string, unknown> = {
      region: o.region,
      maxAttempts: o.maxAttempts ?? 6,
      retryMode: 'standard',
    };
    if (o.sandbox) {
      // Never leaves the machine: the sandbox answers before the transport, and were it ever
      // bypassed the request would go to a closed loopback port, not to AWS.
      config.credentials = { accessKeyId: 'ASIASANDBOX000000000', secretAccessKey: 'sandbox' };
      config.endpoint = 'http://127.0.0.1:9';
    } else {
      if (o.profile) config.profile = o.profile;
      if (o.endpointUrl) config.endpoint = o.endpointUrl;
    }
    return config;
  }

  /**
   * An operation the endpoint does not implement (unimplemented.ts): a read answers "nothing
   * there" (an empty output, so paginators stop and lists are empty) after one warning per
   * operation; a write fails with one line naming the endpoint, the operation and the status.
   */
  private unimplementedGuard(): Pluggable<any, any> {
    return {
      applyToStack: (stack) => {
        stack.add(
          (next, context) => async (args: any) => {
            try {
              return await next(args);
            } catch (err) {
              const answer = unimplementedAnswer(err);
              if (!answer) throw err;
              const service = String(context.clientName ?? '').replace(/Client$/, '');
              const command = String(context.commandName ?? '').replace(/Command$/, '');
              const endpoint = this.options.endpointLabel ?? `the endpoint ${(context.endpointV2 as { url?: URL } | undefined)?.url?.origin ?? '(unknown)'}`;
              if (isMutating(command)) throw new UnimplementedOperationError(endpoint, service, command, answer.status, answer.body, { cause: err });
              const key = `${service} ${command}`;
              if (!this.warned.has(key)) {
                this.warned.add(key);
                this.options.onWarning?.(`${endpoint} does not implement ${key} (HTTP ${answer.status}, ${answer.body}): taken as none`);
              }
              return { output: { $metadata: { httpStatusCode: answer.status } }, response: undefined };
            }
          },
          // Outside the retry loop: such an answer is final, and is judged once per call.
          { step: 'initialize', priority: 'low', name: 'asgWizardUnimplemented', override: true },
        );
      },
    };
  }

  private writeCounter(): Pluggable<any, any> {
    return {
      applyToStack: (stack) => {
        stack.add(
          (next, context) => async (args: any) => {
            const command = String(context.commandName ?? '').replace(/Command$/, '');
            if (isMutating(command)) {
              const row = this.options.currentRow?.();
              this.writes.push({ service: String(context.clientName ?? '').replace(/Client$/, ''), command, ...(row ? { row } : {}) });
            }
            return next(args);
          },
          // Initialize runs once per call, before the retry loop: a retried call counts once.
          { step: 'initialize', priority: 'high', name: 'asgWizardWriteCounter', override: true },
        );
      },
    };
  }
}
