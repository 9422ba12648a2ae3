/** STS: who is calling. The sandbox's caller is an IAM user of its one account. */
import type { ServiceSim } from './types.js';

export const stsSim: ServiceSim = {
  clientName: 'STSClient',
  handlers: {
    GetCallerIdentity: (ctx) => ({
      UserId: 'AIDASANDBOXUSER00000',
      Account: ctx.world.accountId,
      Arn: `arn:aws:iam::${ctx.world.accountId}:user/sandbox`,
    }),
  },
};
