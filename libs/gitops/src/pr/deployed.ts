import { CloudFormationClient, GetTemplateCommand } from '@aws-sdk/client-cloudformation';
import * as yaml from 'js-yaml';
import { DeployedTemplates } from './pr-diff';
import type { CfnTemplate } from '../synth/stage-assembly';
import { AwsError } from '@metaflow-gitops/stage-config';

/**
 * `--against deployed`: the templates CloudFormation holds for the head's stacks (GetTemplate,
 * `Original` stage), in each stack's region. A stack that does not exist yet is absent (all its
 * resources show as added). Credentials and endpoint come from the standard AWS environment.
 */
export function awsDeployedTemplates(env: NodeJS.ProcessEnv): DeployedTemplates {
  const clients = new Map<string, CloudFormationClient>();
  const client = (region: string) => {
    let c = clients.get(region);
    if (!c) {
      c = new CloudFormationClient({
        region,
        endpoint: env.AWS_ENDPOINT_URL_CLOUDFORMATION || env.AWS_ENDPOINT_URL || undefined,
        credentials:
          env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
            ? { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, sessionToken: env.AWS_SESSION_TOKEN }
            : undefined,
      });
      clients.set(region, c);
    }
    return c;
  };
  return async (_stage, head) => {
    const out = new Map<string, CfnTemplate>();
    for (const [name, st] of head) {
      const region = st.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
      if (!region)
        throw new AwsError(`no region for stack ${name}: the assembly has none and AWS_REGION is unset`, {
          fix: "set AWS_REGION to the stage's region",
        });
      try {
        const res = await client(region).send(new GetTemplateCommand({ StackName: name, TemplateStage: 'Original' }));
        const body = res.TemplateBody ?? '{}';
        out.set(name, (body.trimStart().startsWith('{') ? JSON.parse(body) : yaml.load(body)) as CfnTemplate);
      } catch (err) {
        if (/does not exist/i.test((err as Error).message)) continue;
        throw new AwsError(`GetTemplate ${name} (${region}): ${(err as Error).message}`, { cause: err });
      }
    }
    return out;
  };
}
