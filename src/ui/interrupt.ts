/**
 * What a Ctrl-C or SIGTERM says: which steps were cut short, what this run had already made
 * that goes on costing money in AWS, and how to finish the stack or remove it. Pure: the run's
 * write log and steps in flight in, lines out (cli.ts prints them).
 */
import type { WriteRecord } from '../aws/clients.js';

/** Writes that leave something billed behind, and what it is. */
const BILLED: Record<string, string> = {
  'EC2 RunInstances': 'the bake instance (billed while it runs; the next run bakes and terminates it)',
  'EC2 CreateImage': 'the image (its snapshot is billed by the GB-month)',
  'EC2 CreateNatGateway': 'the NAT gateway (billed by the hour)',
  'ElasticLoadBalancingV2 CreateLoadBalancer': 'the load balancer (billed by the hour)',
  'AutoScaling CreateAutoScalingGroup': 'the Auto Scaling group (its instances are billed while they run)',
};

export interface InterruptFacts {
  signal: 'SIGINT' | 'SIGTERM';
  /** Steps running when the signal came ("Bake (AMI) (image pending…)"). */
  inFlight: string[];
  /** The run's mutating calls so far. */
  writes: WriteRecord[];
  /** The run again, as the user can type it. */
  rerun: string;
  /** A command that removes the stack, if the program has one. */
  remove?: string;
  /** Whether the run went to the simulated account (nothing is billed). */
  sandbox: boolean;
}

/** The lines to print (without the final hint, which every interruption prints the same). */
export function interruptReport(f: InterruptFacts): string[] {
  const what = f.signal === 'SIGINT' ? 'interrupted (Ctrl-C)' : 'terminated (SIGTERM)';
  const lines = [`${what}: nothing more was started${f.inFlight.length ? `; in flight: ${f.inFlight.join(', ')}` : ''}`];
  const made = [...new Set(f.writes.map((w) => BILLED[`${w.service} ${w.command}`]).filter((x): x is string => !!x))];
  if (made.length) {
    lines.push(`still in AWS from this run${f.sandbox ? ' (the sandbox: simulated, nothing billed)' : ', and billed'}: ${made.join('; ')}`);
  }
  if (f.inFlight.length) lines.push('what AWS had started goes on there (an image being made, a load balancer provisioning, instances launching)');
  if (f.writes.length) {
    lines.push(`to finish: ${f.rerun}`);
    lines.push(f.remove ? `to remove it all: ${f.remove}` : 'to remove it: delete the resources tagged asg-wizard:stack (the plan lists them), newest first');
  }
  return lines;
}
