/**
 * The Auto Scaling and launch template adapters against mocked SDK clients (any unplanned call
 * is refused), and the bounded poll.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { loadTokenUserData } from '../../src/contract/web-server.js';
import {
  AutoScalingClient, DescribeAutoScalingGroupsCommand, DescribeNotificationConfigurationsCommand, StartInstanceRefreshCommand,
  type DescribeNotificationConfigurationsCommandInput,
} from '@aws-sdk/client-auto-scaling';
import {
  CreateLaunchTemplateCommand, DescribeLaunchTemplateVersionsCommand, DescribeLaunchTemplatesCommand, EC2Client, EC2ServiceException,
} from '@aws-sdk/client-ec2';
import { AutoScalingApi } from '../../src/aws/autoscaling.js';
import { LaunchTemplatesApi, clientToken } from '../../src/aws/launch-templates.js';
import { poll, pollDelayMs } from '../../src/aws/poll.js';
import { TimeoutError } from '../../src/errors.js';

const REGION = 'ap-northeast-2';
const meta = { httpStatusCode: 400, requestId: 'req-1', attempts: 1, totalRetryDelay: 0 };
const asgMock = mockClient(AutoScalingClient);
const ec2Mock = mockClient(EC2Client);

beforeEach(() => {
  asgMock.reset().onAnyCommand().rejects(new Error('unplanned call'));
  ec2Mock.reset().onAnyCommand().rejects(new Error('unplanned call'));
});
afterEach(() => {
  asgMock.reset();
  ec2Mock.reset();
});

const TOPIC = 'arn:aws:sns:ap-northeast-2:123456789012:Web-ASG-events';

describe('AutoScalingApi', () => {
  const api = () => new AutoScalingApi(new AutoScalingClient({ region: REGION }));

  it('pages notification configurations by 100 with NextToken and groups them by group and topic', async () => {
    asgMock.on(DescribeNotificationConfigurationsCommand, { MaxRecords: 100 } as DescribeNotificationConfigurationsCommandInput, false).callsFake((input: DescribeNotificationConfigurationsCommandInput) => {
      if (!input.NextToken) {
        return {
          NotificationConfigurations: [
            { AutoScalingGroupName: 'Web-ASG', TopicARN: TOPIC, NotificationType: 'autoscaling:EC2_INSTANCE_TERMINATE' },
            { AutoScalingGroupName: 'Web-ASG', TopicARN: TOPIC, NotificationType: 'autoscaling:EC2_INSTANCE_LAUNCH' },
          ],
          NextToken: 'page-2',
        };
      }
      expect(input.NextToken).toBe('page-2');
      return { NotificationConfigurations: [{ AutoScalingGroupName: 'Other', TopicARN: TOPIC, NotificationType: 'autoscaling:EC2_INSTANCE_LAUNCH' }] };
    });
    const configs = await api().notificationConfigurations();
    expect(configs).toEqual([
      { groupName: 'Web-ASG', topicArn: TOPIC, types: ['autoscaling:EC2_INSTANCE_LAUNCH', 'autoscaling:EC2_INSTANCE_TERMINATE'] },
      { groupName: 'Other', topicArn: TOPIC, types: ['autoscaling:EC2_INSTANCE_LAUNCH'] },
    ]);
    expect(asgMock.commandCalls(DescribeNotificationConfigurationsCommand)).toHaveLength(2);
    expect((await api().describeNotificationConfigurations()).map((c) => `${c.groupName} ${c.type}`)).toEqual([
      'Web-ASG autoscaling:EC2_INSTANCE_LAUNCH', 'Web-ASG autoscaling:EC2_INSTANCE_TERMINATE', 'Other autoscaling:EC2_INSTANCE_LAUNCH',
    ]);
  });

  it('maps a group: sizes, template, subnets, tags with propagation, instances with their template version', async () => {
    asgMock.on(DescribeAutoScalingGroupsCommand).resolves({
      AutoScalingGroups: [{
        AutoScalingGroupName: 'Web-ASG', AutoScalingGroupARN: 'arn:asg', MinSize: 2, MaxSize: 4, DesiredCapacity: 3, DefaultCooldown: 300,
        AvailabilityZones: ['ap-northeast-2a'], CreatedTime: new Date(), HealthCheckType: 'ELB', HealthCheckGracePeriod: 300,
        LaunchTemplate: { LaunchTemplateId: 'lt-1', LaunchTemplateName: 'Web', Version: '$Default' },
        VPCZoneIdentifier: 'subnet-a, subnet-c', TargetGroupARNs: ['arn:tg'], EnabledMetrics: [{ Metric: 'GroupMinSize', Granularity: '1Minute' }],
        Tags: [{ Key: 'Name', Value: 'ASG-Web-Instance', PropagateAtLaunch: true }, { Key: 'asg-wizard:stack', Value: 'Web', PropagateAtLaunch: false }],
        Instances: [{
          InstanceId: 'i-1', AvailabilityZone: 'ap-northeast-2a', LifecycleState: 'InService', HealthStatus: 'Healthy', ProtectedFromScaleIn: false,
          LaunchTemplate: { LaunchTemplateId: 'lt-1', Version: '2' },
        }],
      }],
    });
    const g = (await api().findGroup('Web-ASG'))!;
    expect(g).toMatchObject({
      min: 2, desired: 3, max: 4, subnetIds: ['subnet-a', 'subnet-c'], launchTemplate: { id: 'lt-1', name: 'Web', version: '$Default' },
      tags: { Name: 'ASG-Web-Instance', 'asg-wizard:stack': 'Web' }, propagated: { Name: true, 'asg-wizard:stack': false },
      enabledMetrics: ['GroupMinSize'], instances: [{ id: 'i-1', launchTemplateId: 'lt-1', launchTemplateVersion: '2' }],
    });
    expect(asgMock.commandCalls(DescribeAutoScalingGroupsCommand)[0]!.args[0].input).toEqual({ MaxRecords: 100, AutoScalingGroupNames: ['Web-ASG'] });
  });

  it('starts an instance refresh with the desired configuration and preferences', async () => {
    asgMock.on(StartInstanceRefreshCommand).resolves({ InstanceRefreshId: 'r-1' });
    const id = await api().startInstanceRefresh('Web-ASG', { launchTemplate: { id: 'lt-1', version: '$Default' }, preferences: { SkipMatching: true, MinHealthyPercentage: 50 } });
    expect(id).toBe('r-1');
    expect(asgMock.commandCalls(StartInstanceRefreshCommand)[0]!.args[0].input).toEqual({
      AutoScalingGroupName: 'Web-ASG', Strategy: 'Rolling', Preferences: { SkipMatching: true, MinHealthyPercentage: 50 },
      DesiredConfiguration: { LaunchTemplate: { LaunchTemplateId: 'lt-1', Version: '$Default' } },
    });
  });
});

describe('LaunchTemplatesApi', () => {
  const api = () => new LaunchTemplatesApi(new EC2Client({ region: REGION }));
  const spec = { imageId: 'ami-1', instanceType: 't2.micro', securityGroupIds: ['sg-1'], instanceTags: [{ Key: 'Name', Value: 'Web Instance' }], description: 'd' };

  it('a template that does not exist is undefined (InvalidLaunchTemplateName.NotFoundException)', async () => {
    ec2Mock.on(DescribeLaunchTemplatesCommand).rejects(new EC2ServiceException({
      name: 'InvalidLaunchTemplateName.NotFoundException', $fault: 'client', $metadata: meta, message: 'does not exist',
    }));
    expect(await api().find('Web')).toBeUndefined();
  });

  it('other errors go on, marked with the operation', async () => {
    ec2Mock.on(DescribeLaunchTemplatesCommand).rejects(new EC2ServiceException({ name: 'UnauthorizedOperation', $fault: 'client', $metadata: meta, message: 'no' }));
    await expect(api().find('Web')).rejects.toMatchObject({ name: 'UnauthorizedOperation', operation: 'DescribeLaunchTemplates' });
  });

  it('reads the default version into the fields it manages', async () => {
    ec2Mock.on(DescribeLaunchTemplateVersionsCommand, { LaunchTemplateId: 'lt-1', Versions: ['$Default'] }).resolves({
      LaunchTemplateVersions: [{
        VersionNumber: 3, LaunchTemplateData: {
          ImageId: 'ami-1', InstanceType: 't2.micro', SecurityGroupIds: ['sg-2', 'sg-1'], IamInstanceProfile: { Name: 'ssm' }, MetadataOptions: { HttpTokens: 'required' },
        },
      }],
    });
    expect(await api().version('lt-1')).toEqual({ number: 3, imageId: 'ami-1', instanceType: 't2.micro', securityGroupIds: ['sg-1', 'sg-2'], instanceProfile: 'ssm', httpTokens: 'required', hasLoadToken: false });
  });

  it('tells whether a version gives the load token, never reading the token into it; userData decodes it for load', async () => {
    const token = 'a'.repeat(48);
    const b64 = Buffer.from(loadTokenUserData(token)).toString('base64');
    ec2Mock.on(DescribeLaunchTemplateVersionsCommand, { LaunchTemplateId: 'lt-1', Versions: ['2'] }).resolves({
      LaunchTemplateVersions: [{ VersionNumber: 2, LaunchTemplateData: { ImageId: 'ami-1', UserData: b64 } }],
    });
    const v = await api().version('lt-1', 2);
    expect(v).toMatchObject({ number: 2, hasLoadToken: true });
    expect(JSON.stringify(v)).not.toContain(token);
    expect(await api().userData('lt-1', 2)).toBe(loadTokenUserData(token));
  });

  it('creates with IMDSv2, Name tags on instances and volumes, the stack tag on the template, and the token given', async () => {
    ec2Mock.on(CreateLaunchTemplateCommand).resolves({ LaunchTemplate: { LaunchTemplateId: 'lt-1', LaunchTemplateName: 'Web', DefaultVersionNumber: 1, LatestVersionNumber: 1 } });
    const token = clientToken('CreateLaunchTemplate', 'Web', 'Web', spec);
    await api().create('Web', spec, [{ Key: 'asg-wizard:stack', Value: 'Web' }], token);
    const input = ec2Mock.commandCalls(CreateLaunchTemplateCommand)[0]!.args[0].input;
    expect(input).toMatchObject({
      LaunchTemplateName: 'Web', ClientToken: token, VersionDescription: 'd',
      TagSpecifications: [{ ResourceType: 'launch-template', Tags: [{ Key: 'asg-wizard:stack', Value: 'Web' }] }],
      LaunchTemplateData: {
        ImageId: 'ami-1', InstanceType: 't2.micro', SecurityGroupIds: ['sg-1'], MetadataOptions: { HttpTokens: 'required', HttpEndpoint: 'enabled' },
        TagSpecifications: [{ ResourceType: 'instance', Tags: spec.instanceTags }, { ResourceType: 'volume', Tags: spec.instanceTags }],
      },
    });
    expect(token.length).toBeLessThanOrEqual(64);
    expect(clientToken('x', spec)).toBe(clientToken('x', { ...spec }));
    expect(clientToken('x', spec)).not.toBe(clientToken('x', { ...spec, imageId: 'ami-2' }));
  });
});

describe('poll', () => {
  it('checks at once, then returns when done', async () => {
    let n = 0;
    const v = await poll(async () => (++n >= 2 ? { done: true, value: n } : { done: false, pending: 'not yet' }), { what: 'x', maxWaitSeconds: 5, minDelay: 0, maxDelay: 0 });
    expect(v).toBe(2);
  });

  it('gives up after the bound with what was still pending', async () => {
    const started = Date.now();
    const err = await poll(async () => ({ done: false, pending: '1 of 2 InService' }), { what: 'Web-ASG', maxWaitSeconds: 1, minDelay: 0.2, maxDelay: 0.4, suggestion: 'follow it' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as TimeoutError).message).toMatch(/^timed out after \d+ s waiting for Web-ASG: 1 of 2 InService$/);
    expect((err as TimeoutError).suggestion).toBe('follow it');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('delays back off exponentially within [min, max], with jitter', () => {
    expect(pollDelayMs(1, 2, 30, () => 1)).toBe(2000);
    expect(pollDelayMs(3, 2, 30, () => 1)).toBe(8000);
    expect(pollDelayMs(10, 2, 30, () => 1)).toBe(30000);
    expect(pollDelayMs(10, 2, 30, () => 0)).toBe(2000);
  });
});
