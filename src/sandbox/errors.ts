/**
 * Errors as the SDK delivers them: a modeled error is the client package's own exception class
 * (its `name` is the shape name, e.g. `DuplicateTargetGroupNameException`); an unmodeled one
 * (every EC2 error, Auto Scaling's `ValidationError`) is the service's base exception whose
 * `name` is the wire code. Code that matches on `err.name` thus behaves the same here and on AWS.
 */
import { EC2ServiceException } from '@aws-sdk/client-ec2';
import { ElasticLoadBalancingV2ServiceException } from '@aws-sdk/client-elastic-load-balancing-v2';
import { AutoScalingServiceException } from '@aws-sdk/client-auto-scaling';
import { SNSServiceException } from '@aws-sdk/client-sns';
import { SSMServiceException } from '@aws-sdk/client-ssm';
import { STSServiceException } from '@aws-sdk/client-sts';
import { IAMServiceException } from '@aws-sdk/client-iam';
import { ACMServiceException } from '@aws-sdk/client-acm';
import { CloudWatchServiceException } from '@aws-sdk/client-cloudwatch';

type BaseCtor = new (options: any) => Error;

const BASES: Record<string, BaseCtor> = {
  EC2Client: EC2ServiceException,
  ElasticLoadBalancingV2Client: ElasticLoadBalancingV2ServiceException,
  AutoScalingClient: AutoScalingServiceException,
  SNSClient: SNSServiceException,
  SSMClient: SSMServiceException,
  STSClient: STSServiceException,
  IAMClient: IAMServiceException,
  ACMClient: ACMServiceException,
  CloudWatchClient: CloudWatchServiceException,
};

function metadata(status: number) {
  return { httpStatusCode: status, requestId: `sandbox-${Math.random().toString(16).slice(2, 10)}`, attempts: 1, totalRetryDelay: 0 };
}

/** An unmodeled error: the service's base exception with `name` = the wire code. */
export function awsError(clientName: string, code: string, message: string, status = 400): Error {
  const Base = BASES[clientName] ?? EC2ServiceException;
  const err = new Base({
    name: code,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: metadata(status),
    message,
  }) as Error & { Code?: string };
  err.Code = code;
  return err;
}

/** A modeled error: the client package's exception class (import it from the client package). */
export function modeledError<T extends Error>(Ctor: new (opts: any) => T, message: string, status = 400): T {
  return new Ctor({ $metadata: metadata(status), message, Message: message });
}

export const ec2Error = (code: string, message: string, status = 400) => awsError('EC2Client', code, message, status);
export const elbError = (code: string, message: string, status = 400) =>
  awsError('ElasticLoadBalancingV2Client', code, message, status);
export const asgError = (code: string, message: string, status = 400) => awsError('AutoScalingClient', code, message, status);
export const snsError = (code: string, message: string, status = 400) => awsError('SNSClient', code, message, status);
export const iamError = (code: string, message: string, status = 400) => awsError('IAMClient', code, message, status);

/** The throttling error each service really sends (EC2's is `RequestLimitExceeded`, 503). */
export function throttlingError(clientName: string): Error {
  if (clientName === 'EC2Client') return awsError(clientName, 'RequestLimitExceeded', 'Request limit exceeded.', 503);
  return awsError(clientName, 'Throttling', 'Rate exceeded', 400);
}
