/** TODO(stub): being written. */
import type { SNSClient } from '@aws-sdk/client-sns';

export class SnsApi {
  constructor(readonly client: SNSClient) {}
}
