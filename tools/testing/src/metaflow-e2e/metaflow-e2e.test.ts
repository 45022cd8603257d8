/**
 * Real Metaflow end to end: the example stage's rendered manifests run against PostgreSQL (TLS
 * only), the metadata service from upstream sources at the tag the manifests pin, a loopback
 * stand-in for the stage's gateway, the login tests' OpenID Provider and scripted browser, and
 * moto as the S3 datastore. The data scientist's path: `metaflow-login`, then
 * `metaflow-login exec example -- python3 flow.py run` with the written profile unchanged.
 * Skipped, with the reason printed, where a tool or the upstream sources are missing
 * (`.ci/run` installs the Debian packages).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { renderStageManifests, type RenderedManifests } from '@metaflow-gitops/constructs/k8s';
import { CLI_REDIRECT_PATH, loadStage, type StageOutputs } from '@metaflow-gitops/stage-config';
import { allObjects, findObject, sampleOutputs } from '../constructs/k8s';
import { startMoto, type MotoServer } from '../rehearsal/moto';
import {
  collect,
  mountVolumes,
  runAs,
  runContainer,
  startContainer,
  type LocalImage,
  type RenderedContainer,
  type RenderedPod,
} from './container';
import { StageGateway, type RenderedCliRoute } from './gateway';
import { METAFLOW_LOGIN_BIN, metaflowLogin, reserveRedirectPorts, scriptedBrowser, startOidcProvider, type OidcProvider } from './login';
import { startPostgres, type Postgres } from './postgres';
import { e2ePython, e2eUnavailable, nginxUnavailable, UI_PATH } from './prerequisites';
import { freePort, stopProcess, waitFor } from './processes';
import { REPO_ROOT, unpackSources, type UnpackedSources } from './vendor';

const unavailable = e2eUnavailable();
if (unavailable) process.stderr.write(`Metaflow end-to-end test SKIPPED: ${unavailable}\n`);
const describeE2e = unavailable ? describe.skip : describe;
const noNginx = unavailable ? undefined : nginxUnavailable();
if (noNginx) process.stderr.write(`Metaflow end-to-end UI step SKIPPED: ${noNginx}\n`);

const STAGE = 'example';
const BUCKET = 'metaflow-example-e2e';
const FLOW = 'E2eFlow';

type Workload = { spec: { template: { spec: RenderedPod } } };
type Probe = { httpGet: { path: string } };

const container = (w: Workload, name?: string) => {
  const found = w.spec.template.spec.containers.find((c) => name === undefined || c.name === name);
  if (!found) throw new Error(`no container ${name}`);
  return found;
};

describeE2e('Metaflow end to end: rendered manifests, metadata service, metaflow-login exec, a real flow', () => {
  const started = Date.now();
  // The last run's sandbox and logs stay in tmp/ (ignored by git) for a look after a failure.
  const work = path.join(REPO_ROOT, 'tmp', 'metaflow-e2e', 'last-run');
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(work, { recursive: true });
  const logs = (name: string) => path.join(work, `${name}.log`);
  const python = e2ePython();
  let sources: UnpackedSources;
  let pg: Postgres;
  let moto: MotoServer;
  let provider: OidcProvider;
  let gateway: StageGateway;
  let rendered: RenderedManifests;
  let serviceImage: LocalImage;
  let service: ReturnType<typeof startContainer> | undefined;
  let ui: ReturnType<typeof startContainer> | undefined;
  let serviceUrl: string;
  let env: Record<string, string>;
  let discovery: Record<string, unknown>;

  /** The data scientist's shell: HOME, METAFLOW_HOME, the Debian python3 first on PATH, Metaflow importable, S3 on moto. */
  const shell = (extra: Record<string, string> = {}) => ({ ...env, ...extra });
  const run = (file: string, args: string[], extra: Record<string, string> = {}) =>
    collect(spawn(file, args, { cwd: work, env: shell(extra), stdio: ['ignore', 'pipe', 'pipe'] }));
  const exec = async (...command: string[]) => {
    const result = await metaflowLogin(['exec', STAGE, '--', ...command], shell(), work);
    fs.appendFileSync(
      logs('exec'),
      `$ metaflow-login exec ${STAGE} -- ${command.join(' ')}\n${result.stdout}${result.stderr}exit ${result.code}\n`,
    );
    return result;
  };

  beforeAll(async () => {
    sources = unpackSources();
    [pg, moto] = await Promise.all([startPostgres(logs('postgres')), startMoto('111111111111', 'us-west-2', logs('moto'))]);
    const s3 = new S3Client({
      endpoint: moto.endpoint,
      region: 'us-west-2',
      forcePathStyle: true,
      credentials: { accessKeyId: moto.env.AWS_ACCESS_KEY_ID, secretAccessKey: moto.env.AWS_SECRET_ACCESS_KEY },
    });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: 'us-west-2' } }));

    const config = loadStage(path.join(REPO_ROOT, 'environments'), STAGE);
    const redirectPorts = await reserveRedirectPorts(4);
    const sample = sampleOutputs(STAGE);
    provider = await startOidcProvider(
      { id: sample.cliClientId, redirectUris: redirectPorts.map((p) => `http://localhost:${p}${CLI_REDIRECT_PATH}`) },
      // What Cognito puts in every access token, and the group the stage's policy admits.
      { token_use: 'access', 'cognito:groups': ['ml-platform'] },
    );
    const outputs: StageOutputs = {
      ...sample,
      databaseEndpoint: pg.host,
      databasePort: String(pg.port),
      databaseName: pg.database,
      issuerUrl: provider.issuer,
      jwksUri: `${provider.issuer}/jwks`,
      artifactBucketName: BUCKET,
    };
    rendered = renderStageManifests(config, outputs);

    const goose = path.join(work, 'bin');
    fs.mkdirSync(goose);
    fs.writeFileSync(path.join(goose, 'goose'), `#!/bin/sh\nexec "${python}" "${path.join(__dirname, 'goose_standin.py')}" "$@"\n`, {
      mode: 0o755,
    });
    fs.symlinkSync(python, path.join(goose, 'python3'));
    serviceImage = {
      // The image: Python at /opt/latest/bin/python3, the service installed under /root/ (its WORKDIR).
      paths: { '/opt/latest/bin/python3': python, '/root/': `${sources.service}/` },
      secrets: { 'metaflow-database': { username: pg.user, password: pg.password } },
      extraEnv: {
        PATH: `${goose}:/usr/bin:/bin`,
        PYTHONPATH: sources.service,
        GOOSE_STANDIN_ROOT: `${sources.service}/`,
        MF_METADATA_HOST: '127.0.0.1',
      },
    };

    const home = path.join(work, 'home');
    // metaflow-login installed where the AWS profile's credential_process finds it.
    const userBin = path.join(work, 'user-bin');
    fs.mkdirSync(userBin);
    fs.writeFileSync(path.join(userBin, 'metaflow-login'), `#!/bin/sh\nexec "${process.execPath}" "${METAFLOW_LOGIN_BIN}" "$@"\n`, {
      mode: 0o755,
    });
    // The SDK variables for moto (endpoint, region, the emulator's keys), but this sandbox's HOME.
    // `metaflow-login exec` drops the keys: the flow's S3 calls use the stage's AWS profile.
    const { HOME: _motoHome, ...awsEnv } = moto.env;
    env = {
      ...awsEnv,
      PATH: `${goose}:${userBin}:${process.env.PATH ?? '/usr/bin:/bin'}`,
      HOME: home,
      METAFLOW_HOME: path.join(home, '.metaflowconfig'),
      KUBECONFIG: path.join(home, '.kube', 'config'),
      USERNAME: 'alice',
      PYTHONPATH: sources.metaflow,
      METAFLOW_S3_ENDPOINT_URL: moto.endpoint,
      ...scriptedBrowser(logs('browser')),
    };
    fs.copyFileSync(path.join(__dirname, 'fixtures', 'e2e_flow.py'), path.join(work, 'flow.py'));
    discovery = { redirectPorts };
  }, 120_000);

  afterAll(async () => {
    await Promise.all([stopProcess(service), stopProcess(ui)]);
    await Promise.all([gateway?.stop(), provider?.stop(), moto?.stop()]);
    await pg?.stop();
    console.log(`Metaflow end-to-end wall time: ${((Date.now() - started) / 1000).toFixed(1)}s; logs in ${work}`);
  }, 60_000);

  it('1-2. runs the migration Job twice against PostgreSQL over TLS: newest schema version, the second run changes nothing', async () => {
    const job = allObjects(rendered).find((o) => o.kind === 'Job' && o.metadata.name.startsWith('metaflow-migrate')) as unknown as Workload;
    const migrate = container(job);
    const migrations = fs.readdirSync(path.join(sources.service, 'services/migration_service/migration_files'));
    const newest = Math.max(...migrations.map((f) => Number(f.split('_')[0])));
    const schema = () =>
      pg.query(
        "SELECT string_agg(t, E'\\n' ORDER BY t) FROM (SELECT table_name || '.' || column_name || ':' || data_type AS t FROM information_schema.columns WHERE table_schema = 'public' UNION ALL SELECT indexdef FROM pg_indexes WHERE schemaname = 'public') s",
      );

    // run_goose.py calls the image's `goose` binary, which no reachable registry serves: goose_standin.py
    // (first on the container's PATH) applies the service's annotated SQL files as goose does.
    const first = await runContainer(migrate, job.spec.template.spec.securityContext, serviceImage);
    expect(first).toMatchObject({ code: 0 });
    expect(Number(pg.query('SELECT max(version_id) FROM goose_db_version WHERE is_applied'))).toBe(newest);
    const after = schema();
    const applied = pg.query('SELECT count(*) FROM goose_db_version');
    expect(after).toContain('flows_v3.flow_id');

    const second = await runContainer(migrate, job.spec.template.spec.securityContext, serviceImage);
    expect(second).toMatchObject({ code: 0 });
    expect(second.stdout).toContain('no migrations to run');
    expect(schema()).toBe(after);
    expect(pg.query('SELECT count(*) FROM goose_db_version')).toBe(applied);
  });

  it('3. starts the metadata service with the Deployment command and env, all capabilities dropped: liveness and readiness answer', async () => {
    const deployment = findObject<Workload>(rendered, 'Deployment', 'metaflow-metadata');
    const spec = deployment.spec.template.spec;
    const c = container(deployment, 'metaflow-metadata') as RenderedContainer & { livenessProbe: Probe; readinessProbe: Probe };
    const port = await freePort();
    service = startContainer(
      c,
      spec.securityContext,
      { ...serviceImage, overrides: { MF_METADATA_PORT: { value: String(port), why: "the pod's own port; loopback here is shared" } } },
      { cwd: sources.service, stdio: ['ignore', fs.openSync(logs('metadata-service'), 'a'), fs.openSync(logs('metadata-service'), 'a')] },
    );
    serviceUrl = `http://127.0.0.1:${port}`;
    const answers = async (p: string) => (await fetch(`${serviceUrl}${p}`).catch(() => undefined))?.status === 200;
    await waitFor('metadata service', service, () => answers(c.readinessProbe.httpGet.path));
    expect(await answers(c.livenessProbe.httpGet.path)).toBe(true);
    const status = fs.readFileSync(`/proc/${service.pid}/status`, 'utf8');
    expect(status).toMatch(/^CapEff:\s+0+$/m);
    expect(status).toMatch(/^NoNewPrivs:\s+1$/m);
    // Every connection of the service's pool is TLS (the rendered MF_METADATA_DB_SSL_MODE).
    expect(
      pg.query(
        "SELECT DISTINCT ssl FROM pg_stat_ssl JOIN pg_stat_activity USING (pid) WHERE usename = 'metaflow' AND client_addr IS NOT NULL",
      ),
    ).toBe('t');
  });

  it('4. logs in with metaflow-login through the scripted browser; the gateway stand-in applies the rendered JWT policy', async () => {
    gateway = new StageGateway(
      {
        securityPolicy: findObject(rendered, 'SecurityPolicy', 'metaflow-cli-jwt') as unknown as RenderedCliRoute['securityPolicy'],
        route: findObject(rendered, 'HTTPRoute', 'metaflow-cli') as unknown as RenderedCliRoute['route'],
      },
      serviceUrl,
    );
    await gateway.start();
    const published = findObject<{ spec: { directResponse: { body: { inline: string } } } }>(
      rendered,
      'HTTPRouteFilter',
      'metaflow-discovery-document',
    );
    const document = JSON.parse(published.spec.directResponse.body.inline) as Record<string, unknown> & { argoEvents: object };
    discovery = {
      ...document,
      // The stage's host is the gateway stand-in; the ports are this run's (see reserveRedirectPorts).
      serviceUrl: `${gateway.url}${gateway.prefix}`,
      uiUrl: `${gateway.url}/`,
      argoEvents: { ...document.argoEvents, publicWebhookUrl: `${gateway.url}/events/metaflow-event` },
      redirectPorts: discovery.redirectPorts,
    };
    gateway.discoveryDocument = discovery;
    const login = await metaflowLogin([gateway.url], shell(), work);
    expect(login).toMatchObject({ code: 0 });
    const profile = JSON.parse(fs.readFileSync(path.join(env.METAFLOW_HOME, `config_${STAGE}.json`), 'utf8')) as Record<string, string>;
    expect(profile.METAFLOW_SERVICE_INTERNAL_URL).toBe(discovery.serviceInternalUrl);
    expect(fs.readFileSync(logs('browser'), 'utf8')).toContain('open ');
    expect((await fetch(`${gateway.url}${gateway.prefix}ping`)).status).toBe(401);
  });

  // A two-step flow takes 30-60 s on a loaded 2-core machine (each task is a Python process talking to moto).
  it('5. runs a flow through metaflow-login exec: the service lists flow and run, the client reads the artifact; without exec, 401', async () => {
    const before = gateway.requests.length;
    expect(await exec('python3', 'flow.py', 'run')).toMatchObject({ code: 0 });
    // Through the gateway, authorized.
    expect(gateway.requests.slice(before).filter((r) => r.status === 200).length).toBeGreaterThan(0);
    expect(gateway.requests.slice(before).filter((r) => r.status === 401)).toEqual([]);
    // The datastore was reached as the stage's data-scientist role: exec dropped the emulator's keys
    // and the metaflow-example profile's credential_process fetched (and cached) role credentials.
    const roleCredentials = JSON.parse(fs.readFileSync(path.join(env.METAFLOW_HOME, 'aws-credentials', `${STAGE}.json`), 'utf8')) as {
      roleArn: string;
    };
    expect(roleCredentials.roleArn).toBe(discovery.dataScientistRoleArn);

    const flows = (await (await fetch(`${serviceUrl}/flows`)).json()) as { flow_id: string }[];
    expect(flows.map((f) => f.flow_id)).toContain(FLOW);
    const runs = (await (await fetch(`${serviceUrl}/flows/${FLOW}/runs`)).json()) as { run_number: number }[];
    expect(runs).toHaveLength(1);
    const runId = runs[0].run_number;

    const read = ['-c', `from metaflow import Run, namespace\nnamespace(None)\nprint("artifact", Run("${FLOW}/${runId}").data.answer)`];
    const viaExec = await exec('python3', ...read);
    expect(viaExec).toMatchObject({ code: 0, stdout: expect.stringContaining('artifact 42') });

    const unauthenticatedFrom = gateway.requests.length;
    const direct = await run('python3', read, { METAFLOW_PROFILE: STAGE });
    expect(direct.code).not.toBe(0);
    expect(gateway.requests.slice(unauthenticatedFrom).map((r) => r.status)).toContain(401);
    expect(gateway.requests.slice(unauthenticatedFrom).map((r) => r.status)).not.toContain(200);
  }, 180_000);

  it('6. argo-workflows create --only-json through exec: in-cluster service URL, no token, no loopback URL', async () => {
    const created = await exec('python3', 'flow.py', 'argo-workflows', 'create', '--only-json');
    expect(created.code).toBe(0);
    const template = created.stdout;
    expect(template).toContain(String(discovery.serviceInternalUrl));
    const tokens = JSON.parse(fs.readFileSync(path.join(env.METAFLOW_HOME, 'tokens', `${STAGE}.json`), 'utf8')) as Record<string, unknown>;
    for (const secret of Object.values(tokens).filter((v): v is string => typeof v === 'string' && v.length > 40))
      expect(template).not.toContain(secret);
    expect(template).not.toMatch(/bearer/i);
    // The S3 stand-in's endpoint is this test's own setting; any other loopback URL would be the exec proxy or the gateway.
    expect(template.split(moto.endpoint).join('')).not.toMatch(/127\.0\.0\.1|localhost|\[::1\]/);
  }, 120_000);

  (noNginx ? it.skip : it)(
    '7. the UI container starts and serves under the rendered security context (Debian nginx for the image nginx)',
    async () => {
      const deployment = findObject<Workload>(rendered, 'Deployment', 'metaflow-ui');
      const pod = deployment.spec.template.spec;
      const c = container(deployment, 'metaflow-ui') as RenderedContainer & { livenessProbe: Probe; readinessProbe: Probe };
      const configMaps = Object.fromEntries(
        allObjects(rendered)
          .filter((o) => o.kind === 'ConfigMap')
          .map((o) => [o.metadata.name, (o as { data?: Record<string, string> }).data ?? {}]),
      );
      // The image: the official nginx image's entrypoint and CMD, the UI's static build and server
      // template; its /tmp is the container's own, world-writable.
      const root = path.join(work, 'ui');
      const dir = (name: string, mode = 0o755) => {
        const d = path.join(root, name);
        fs.mkdirSync(d, { recursive: true });
        fs.chmodSync(d, mode);
        return d;
      };
      const [tmp, html, templates, imageConfD] = [dir('tmp', 0o1777), dir('html'), dir('templates'), dir('image-conf.d')];
      fs.writeFileSync(path.join(html, 'index.html'), '<html><head></head><body>metaflow-ui stand-in</body></html>\n');
      // A stand-in for the UI image's server template (the static build on $PORT, every path to index.html).
      fs.writeFileSync(
        path.join(templates, 'default.conf.template'),
        `server {\n  listen 127.0.0.1:\${PORT};\n  root ${html};\n  location / {\n    try_files $uri /index.html;\n  }\n}\n`,
      );
      const entrypoint = path.join(root, 'docker-entrypoint.sh');
      fs.writeFileSync(entrypoint, `#!/bin/sh\nexec "${python}" "${path.join(__dirname, 'nginx_entrypoint_standin.py')}" "$@"\n`, {
        mode: 0o755,
      });
      const port = await freePort();
      const image = mountVolumes(
        c,
        pod,
        configMaps,
        {
          paths: {
            '/docker-entrypoint.sh': entrypoint,
            '/tmp': tmp,
            '/usr/share/nginx/html': html,
            '/etc/nginx/templates': templates,
            '/etc/nginx/conf.d': imageConfD,
          },
          secrets: {},
          // The image's PORT is 3000, the pod's own port; loopback here is shared.
          extraEnv: { PATH: UI_PATH, PORT: String(port), NGINX_STANDIN_TEMPLATES: templates },
          entrypoint: ['/docker-entrypoint.sh'],
          cmd: ['nginx', '-g', 'daemon off;'],
        },
        dir('volumes'),
      );
      const log = logs('metaflow-ui');
      fs.writeFileSync(log, '');
      const user = runAs(pod.securityContext, c.securityContext, image);
      // nginx reopens /dev/stdout and /dev/stderr: a file the container's user may open.
      if (user && process.getuid?.() === 0) fs.chownSync(log, user.uid, user.gid);
      const out = fs.openSync(log, 'a');
      ui = startContainer(
        c,
        pod.securityContext,
        { ...image, extraEnv: { ...image.extraEnv, NGINX_STANDIN_CONF_D: image.paths['/etc/nginx/conf.d'] } },
        {
          stdio: ['ignore', out, out],
        },
      );
      const get = (p: string) => fetch(`http://127.0.0.1:${port}${p}`).catch(() => undefined);
      await waitFor('metaflow-ui', ui, async () => (await get(c.readinessProbe.httpGet.path))?.status === 200, 30_000).catch(
        (err: Error) => {
          throw new Error(`${err.message}\n${fs.readFileSync(log, 'utf8')}`);
        },
      );
      const page = await get(c.livenessProbe.httpGet.path);
      expect(page?.status).toBe(200);
      expect(await page?.text()).toContain('metaflow-ui stand-in');
      const status = fs.readFileSync(`/proc/${ui.pid}/status`, 'utf8');
      expect(status).toMatch(/^CapEff:\s+0+$/m);
      expect(status).toMatch(/^NoNewPrivs:\s+1$/m);
      if (user) expect(status).toMatch(new RegExp(`^Uid:\\s+${user.uid}\\s`, 'm'));
    },
  );
});
