/** TODO(stub): being written. */
import type { EC2Client } from '@aws-sdk/client-ec2';

export class Ec2ComputeApi {
  constructor(readonly client: EC2Client) {}
}
