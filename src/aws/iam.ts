/** TODO(stub): being written. */
import type { IAMClient } from '@aws-sdk/client-iam';

export class IamApi {
  constructor(readonly client: IAMClient) {}
}
