import { buildDiscoveryDocument, discoveryUrl } from '@metaflow-gitops/stage-config';
import { DoctorCheck } from '../doctor-check';
import { errorText } from '../private/error-text';

/**
 * The public discovery document answers on the stage host (DNS, TLS, load balancer and gateway
 * all work) and says what the deployed stacks say: the document a sync renders from the current
 * outputs, field by field. A difference means the cluster was not synced since the last deploy.
 */
export const discoveryCheck: DoctorCheck = {
  id: 'discovery',
  title: 'the discovery document is served on the stage host and matches the stack outputs',
  async run(ctx) {
    const url = discoveryUrl(ctx.config);
    const expected = buildDiscoveryDocument(ctx.config, await ctx.outputs());
    const stage = ctx.config.name;
    let answer;
    try {
      answer = await ctx.httpGet(url);
    } catch (err) {
      return {
        check: 'discovery',
        status: 'unknown',
        summary: `no answer from ${url}: ${errorText(err)}`,
        fix: 'see the dns-delegation and certificate findings; from a network that can reach the host, run the doctor again',
      };
    }
    if (answer.status !== 200)
      return {
        check: 'discovery',
        status: 'fail',
        summary: `${url} answered ${answer.status}`,
        fix: `the gateway serves it once the cluster is synced: mfctl sync ${stage} (a 5xx: check the platform-deployments finding)`,
      };
    let served: Record<string, unknown>;
    try {
      served = JSON.parse(answer.body) as Record<string, unknown>;
    } catch {
      return { check: 'discovery', status: 'fail', summary: `${url} is not JSON`, fix: `mfctl sync ${stage}` };
    }
    const differences = Object.entries(expected)
      .filter(([key, value]) => JSON.stringify(served[key]) !== JSON.stringify(value))
      .map(
        ([key, value]) =>
          `${key}: served ${served[key] === undefined ? '(nothing)' : JSON.stringify(served[key])}, outputs say ${JSON.stringify(value)}`,
      );
    if (differences.length > 0)
      return {
        check: 'discovery',
        status: 'fail',
        summary: `${url} differs from the stack outputs in ${differences.length} field${differences.length === 1 ? '' : 's'}`,
        details: differences,
        fix: `the cluster serves what the last sync rendered: mfctl sync ${stage} after the deploy`,
      };
    return { check: 'discovery', status: 'ok', summary: `${url} is served and matches the stack outputs` };
  },
};
