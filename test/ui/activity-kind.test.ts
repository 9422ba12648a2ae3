import { describe, it, expect } from 'vitest';
import { activityKind } from '../../src/ui/render-status.js';

describe('status tells a scale-in from a possible crash by the activity cause', () => {
  it.each([
    ['Terminating EC2 instance: i-0abc', 'At 2026-11-22T02:59:27Z a user request update of AutoScalingGroup constraints to min: 2, max: 4, desired: 2 changing the desired capacity from 3 to 2.  At 2026-11-22T02:59:27Z an instance was taken out of service in response to a difference between desired and actual capacity, shrinking the capacity from 3 to 2.', 'scale-in: planned, not a crash'],
    ['Terminating EC2 instance: i-0abc', 'At 2026-11-22T02:59:27Z an instance was taken out of service in response to an ELB system health check failure.', 'health replacement: possibly a crash'],
    ['Terminating EC2 instance: i-0abc', 'At 2026-11-22T02:59:27Z an instance was taken out of service in response to an EC2 health check indicating it has been terminated or stopped.', 'health replacement: possibly a crash'],
    ['Launching a new EC2 instance: i-0abc', 'At 2026-11-22T02:59:24Z an instance was started in response to a difference between desired and actual capacity, increasing the capacity from 2 to 3.', ''],
  ])('%s / %s', (description, cause, kind) => {
    expect(activityKind({ description, cause })).toBe(kind);
  });
});
