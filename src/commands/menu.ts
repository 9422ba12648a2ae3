/** `asg-wizard` alone in a terminal: what to do? */
import { select } from '@inquirer/prompts';
import type { Deps } from './context.js';

export async function chooseCommand(deps: Deps): Promise<string> {
  return select<string>(
    {
      message: 'What do you want to do?',
      choices: [
        { name: 'Build or update the stack (up)', value: 'up' },
        { name: 'See the plan, change nothing (plan)', value: 'plan' },
      ],
    },
    { output: deps.stderr },
  );
}
