/**
 * Which commands write: one definition, read by the product's write counter and by the sandbox's
 * call log, so the two count the same calls.
 */
import { describe, it, expect } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateSecurityGroupCommand, DescribeVpcsCommand } from '@aws-sdk/client-ec2';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { CreateTopicCommand, ListTopicsCommand } from '@aws-sdk/client-sns';
import { isMutating } from '../../src/contract/aws-calls.js';
import { Sandbox } from '../../src/sandbox/index.js';
import { AwsClients } from '../../src/aws/clients.js';

describe('isMutating', () => {
  it.each([
    ['DescribeInstances', false], ['ListTagsForResource', false], ['GetParameter', false], ['GetConsoleOutput', false],
    ['CreateVpc', true], ['RunInstances', true], ['AuthorizeSecurityGroupIngress', true], ['PutScalingPolicy', true],
    ['Subscribe', true], ['DeleteLaunchTemplate', true], ['ModifyInstanceAttribute', true],
    // Only a prefix counts: a write whose name merely contains a read word is a write.
    ['ResetImageAttribute', true], ['UntagResource', true],
  ])('%s → %s', (command, mutating) => {
    expect(isMutating(command)).toBe(mutating);
  });

  it('the product\'s write counter and the sandbox\'s call log count the same calls', async () => {
    const sandbox = new Sandbox({ file: join(mkdtempSync(join(tmpdir(), 'asgw-calls-')), 'sandbox.json'), consistency: false });
    const aws = new AwsClients({ region: 'ap-northeast-2', sandbox });
    const vpcId = (await aws.ec2.send(new DescribeVpcsCommand({}))).Vpcs![0]!.VpcId!;
    await aws.ec2.send(new CreateSecurityGroupCommand({ GroupName: 'calls', Description: 'calls', VpcId: vpcId }));
    await aws.ssm.send(new GetParameterCommand({ Name: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64' }));
    await aws.sns.send(new CreateTopicCommand({ Name: 'calls' }));
    await aws.sns.send(new ListTopicsCommand({}));
    const logged = sandbox.calls.filter((c) => c.mutating).map((c) => `${c.service} ${c.command}`);
    expect(logged).toEqual(['EC2 CreateSecurityGroup', 'SNS CreateTopic']);
    expect(aws.writes.map((w) => `${w.service} ${w.command}`)).toEqual(logged);
    expect(sandbox.writeCount).toBe(2);
    aws.destroy();
  });
});
