/** TODO(stub): being written. */
import type { SSMClient } from '@aws-sdk/client-ssm';

export class SsmApi {
  constructor(readonly client: SSMClient) {}
}
