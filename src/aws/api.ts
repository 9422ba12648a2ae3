/**
 * All adapters of one run, over one set of clients. Adapters are built on first use, so a
 * command that needs only STS and EC2 never constructs the others.
 */
import type { AwsClients } from './clients.js';
import { Ec2NetworkApi } from './ec2-network.js';
import { Ec2ComputeApi } from './ec2-compute.js';
import { LaunchTemplatesApi } from './launch-templates.js';
import { Elbv2Api } from './elbv2.js';
import { AutoScalingApi } from './autoscaling.js';
import { SnsApi } from './sns.js';
import { SsmApi } from './ssm.js';
import { IamApi } from './iam.js';
import { StsApi } from './sts.js';
import { AWS_PROPAGATION, type PropagationPolicy } from './consistency.js';
import { AcmApi } from './acm.js';
import { CloudWatchApi } from './cloudwatch.js';

export class AwsApi {
  private readonly made = new Map<string, unknown>();
  constructor(readonly clients: AwsClients) {}

  private once<T>(key: string, make: () => T): T {
    if (!this.made.has(key)) this.made.set(key, make());
    return this.made.get(key) as T;
  }

  get network(): Ec2NetworkApi {
    return this.once('network', () => new Ec2NetworkApi(this.clients.ec2, this.propagation));
  }
  get compute(): Ec2ComputeApi {
    return this.once('compute', () => new Ec2ComputeApi(this.clients.ec2, this.propagation));
  }
  get launchTemplates(): LaunchTemplatesApi {
    return this.once('launchTemplates', () => new LaunchTemplatesApi(this.clients.ec2, this.propagation));
  }
  get elbv2(): Elbv2Api {
    return this.once('elbv2', () => new Elbv2Api(this.clients.elbv2));
  }
  get autoscaling(): AutoScalingApi {
    return this.once('autoscaling', () => new AutoScalingApi(this.clients.autoscaling));
  }
  get sns(): SnsApi {
    return this.once('sns', () => new SnsApi(this.clients.sns));
  }
  get ssm(): SsmApi {
    return this.once('ssm', () => new SsmApi(this.clients.ssm));
  }
  get iam(): IamApi {
    return this.once('iam', () => new IamApi(this.clients.iam));
  }
  get sts(): StsApi {
    return this.once('sts', () => new StsApi(this.clients.sts));
  }
  /** How long this run retries what AWS has not propagated yet (a new id, a new instance profile). */
  get propagation(): PropagationPolicy {
    return this.clients.options.propagation ?? AWS_PROPAGATION;
  }
  get acm(): AcmApi {
    return this.once('acm', () => new AcmApi(this.clients.acm));
  }
  get cloudwatch(): CloudWatchApi {
    return this.once('cloudwatch', () => new CloudWatchApi(this.clients.cloudwatch));
  }
  /** Mutating calls made so far in this run. */
  get writeCount(): number {
    return this.clients.writes.length;
  }
}
