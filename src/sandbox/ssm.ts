/** SSM Parameter Store: the public parameters that name the latest Amazon Linux images. */
import { ParameterNotFound } from '@aws-sdk/client-ssm';
import { modeledError } from './errors.js';
import type { ServiceSim } from './types.js';

export const ssmSim: ServiceSim = {
  clientName: 'SSMClient',
  handlers: {
    GetParameter: (ctx, input: { Name?: string }) => {
      const p = ctx.world.ssm.parameters.find((x) => x.name === input.Name);
      if (!p) throw modeledError(ParameterNotFound, `Parameter ${input.Name ?? ''} not found.`);
      return {
        Parameter: {
          Name: p.name, Type: p.type, Value: p.value, Version: p.version, LastModifiedDate: new Date(p.lastModified),
          ARN: `arn:aws:ssm:${ctx.world.region}::parameter${p.name}`, DataType: p.name.startsWith('/aws/service/ami') ? 'aws:ec2:image' : 'text',
        },
      };
    },
  },
};
