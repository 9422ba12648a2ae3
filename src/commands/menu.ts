/** `asg-wizard` alone in a terminal: what to do? The answer is run as that command. */
import { select } from '@inquirer/prompts';
import type { Deps } from './context.js';

export async function chooseCommand(deps: Deps): Promise<string> {
  return select<string>(
    {
      message: 'What do you want to do?',
      choices: [
        { name: 'Build or update the stack', value: 'up', description: 'asg-wizard up' },
        { name: 'See the plan, change nothing', value: 'plan', description: 'asg-wizard plan' },
        { name: 'See the stack as it is', value: 'status', description: 'asg-wizard status' },
        { name: 'Wire Auto Scaling notifications to SNS', value: 'notify', description: 'asg-wizard notify' },
        { name: 'Bake a new image', value: 'bake', description: 'asg-wizard bake' },
        { name: 'Scale the group (sizes, stop, start, schedules)', value: 'scale', description: 'asg-wizard scale' },
        { name: 'Destroy the stack', value: 'destroy', description: 'asg-wizard destroy' },
      ],
    },
    { output: deps.stderr },
  );
}
