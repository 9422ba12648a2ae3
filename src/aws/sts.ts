/** STS: who the caller is (the preflight and the plan header's account). */
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import { awsCall } from '../errors.js';

export interface CallerIdentity { account: string; arn: string }

export class StsApi {
  constructor(private readonly client: STSClient) {}

  async callerIdentity(): Promise<CallerIdentity> {
    const out = await awsCall('GetCallerIdentity', undefined, () => this.client.send(new GetCallerIdentityCommand({})));
    // An endpoint without STS answers nothing (clients.ts): empty, for the caller to judge.
    return { account: out.Account ?? '', arn: out.Arn ?? '' };
  }
}
