/**
 * SSM Parameter Store: the public parameters through which AWS names its latest Amazon Linux
 * 2023 images, one per architecture (so no AMI id is ever hard-coded per region).
 */
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { awsCall, undefinedIfNotFound } from '../errors.js';

/** The public parameters holding the latest Amazon Linux 2023 AMI id in each region. */
export const AL2023_PARAMETERS = {
  x86_64: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
  arm64: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64',
} as const;

export type ImageArchitecture = keyof typeof AL2023_PARAMETERS;

/** The SSM adapter. */
export class SsmApi {
  constructor(private readonly client: SSMClient) {}

  /** A parameter's value, or undefined when it does not exist. */
  async parameter(name: string): Promise<string | undefined> {
    return undefinedIfNotFound(['ParameterNotFound'], async () => {
      const out = await awsCall('GetParameter', name, () => this.client.send(new GetParameterCommand({ Name: name })));
      return out.Parameter?.Value;
    });
  }

  /** The latest Amazon Linux 2023 AMI id for `arch` in the client's region. */
  async latestAmazonLinux2023(arch: ImageArchitecture): Promise<string | undefined> {
    return this.parameter(AL2023_PARAMETERS[arch]);
  }
}
