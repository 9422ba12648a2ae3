/**
 * `asg-wizard` alone in a terminal: what to do? The answer is run as that command. Asked
 * through the run's host, as every other question is.
 */
import { hostFor, type Deps, type GlobalOptions } from './context.js';

/** The command to go on as (its name and any arguments). */
export async function chooseCommand(opts: GlobalOptions, deps: Deps): Promise<string[]> {
  const host = await hostFor(opts, deps, false);
  const command = await host.prompter.select<string>({
    id: 'command',
    message: 'What do you want to do?',
    choices: [
      { name: 'Build or update the stack', value: 'up', description: 'asg-wizard up: asks, shows the plan, applies it' },
      { name: 'See the plan, change nothing', value: 'plan', description: 'asg-wizard plan' },
      { name: 'See the stack as it is', value: 'status', description: 'asg-wizard status' },
      { name: 'Wire Auto Scaling notifications to SNS', value: 'notify', description: 'asg-wizard notify' },
      { name: 'Bake a new image', value: 'bake', description: 'asg-wizard bake: asks for the new image\'s name' },
      { name: 'Scale the group (sizes, stop, start, schedules)', value: 'scale', description: 'asg-wizard scale' },
      { name: 'Destroy the stack', value: 'destroy', description: 'asg-wizard destroy: asks you to type the stack name' },
    ],
  });
  host.progress.stop();
  return [command];
}
