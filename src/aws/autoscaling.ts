/** TODO(stub): being written. */
import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';

export class AutoScalingApi {
  constructor(readonly client: AutoScalingClient) {}
}
