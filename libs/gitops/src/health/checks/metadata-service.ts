import { GATEWAY, METADATA_SERVICE, NAMESPACES, STAGE_PATHS } from '@metaflow-gitops/stage-config';
import { DoctorCheck } from '../doctor-check';
import { errorText } from '../private/error-text';

/** The metadata service's health route: runs `SELECT 1` on its database (metaflow-service `services/metadata_service/api/admin.py`). */
const HEALTH_PATH = 'healthcheck';

/**
 * The metadata service answers through the gateway: `GET https://<host>/cli/healthcheck`. With a
 * user's token (`MFCTL_DOCTOR_TOKEN`), the service itself must answer 200 `{"status": "UP"}` (its database
 * works). Without one the gateway must refuse with 401 and a Bearer challenge: the load balancer,
 * TLS, the gateway and its token check answer, and the service's own health is what its readiness
 * probe (the same route) reports in the platform-deployments finding.
 */
export const metadataServiceCheck: DoctorCheck = {
  id: 'metadata-service',
  title: 'the metadata service answers through the gateway',
  async run(ctx) {
    const url = `https://${ctx.host}${STAGE_PATHS.cli}${HEALTH_PATH}`;
    let answer;
    try {
      answer = await ctx.httpGet(url, ctx.token ? { headers: { authorization: `Bearer ${ctx.token}` } } : {});
    } catch (err) {
      return {
        check: 'metadata-service',
        status: 'unknown',
        summary: `no answer from ${url}: ${errorText(err)}`,
        fix: 'see the dns-delegation and certificate findings; from a network that can reach the host, run the doctor again',
      };
    }
    const stage = ctx.config.name;
    if (ctx.token) {
      let up = false;
      try {
        up = (JSON.parse(answer.body) as { status?: unknown }).status === 'UP';
      } catch {
        // not the service's JSON: reported below
      }
      if (answer.status === 200 && up)
        return { check: 'metadata-service', status: 'ok', summary: `${url} answered 200 UP: the service and its database work` };
      return {
        check: 'metadata-service',
        status: 'fail',
        summary: `${url} answered ${answer.status}${answer.body ? `: ${answer.body.slice(0, 200)}` : ''}`,
        fix:
          answer.status === 401 || answer.status === 403
            ? `the token was refused: take a fresh one (metaflow-login token ${stage}); a 403 means the user is not in the stage's allowed groups`
            : `5xx: the service cannot reach its database or has no ready pod: kubectl -n ${NAMESPACES.metaflow} logs deploy/${METADATA_SERVICE.name} (the database's SSL mode is a known cause of 502s)`,
      };
    }
    const challenge = answer.headers['www-authenticate'] ?? '';
    if (answer.status === 401 && /bearer/i.test(challenge))
      return {
        check: 'metadata-service',
        status: 'ok',
        summary: `${url} answered 401 with a Bearer challenge: the route and its token check are in place (set MFCTL_DOCTOR_TOKEN to reach the service itself)`,
      };
    return {
      check: 'metadata-service',
      status: 'fail',
      summary: `${url} answered ${answer.status} without a token${challenge ? ` (${challenge})` : ''}: the gateway's /cli/ route or its token check is not in place`,
      fix: `mfctl sync ${stage} applies the gateway's routes and security policies; then kubectl -n ${GATEWAY.namespace} get httproute,securitypolicy`,
    };
  },
};
