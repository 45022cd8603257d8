import * as kplus from 'cdk8s-plus-30';
import { Construct } from 'constructs';
import { NAMESPACES, STAGE_PATHS } from '@metaflow-gitops/stage-config';
import { StageContext } from '../context';
import { addHttpWorkload } from '../private/workload';
import { METAFLOW_UI_IMAGE } from './images';

export const UI_STATIC = 'metaflow-ui';
export const UI_STATIC_PORT = 3000;

/** The `nginx` user of the image's base (the official nginx image, https://hub.docker.com/_/nginx). */
export const UI_STATIC_USER = 101;
/** ConfigMap holding the nginx main configuration the static UI runs with. */
export const UI_STATIC_NGINX_CONFIG = 'metaflow-ui-nginx';
const NGINX_CONFIG_DIR = '/etc/nginx/metaflow-ui';

/**
 * The main nginx configuration of the static UI, for a master process that is not root: no `user`
 * directive (it only applies to a root master), and the pid file and every temp directory under
 * `/tmp` (world-writable in the image) instead of `/var/run` and `/var/cache/nginx`, which belong
 * to root. The image's server block (`/etc/nginx/templates/default.conf.template`, rendered by its
 * entrypoint into `/etc/nginx/conf.d`) is included unchanged.
 */
export const UI_STATIC_NGINX_CONF = [
  'worker_processes auto;',
  'error_log /dev/stderr notice;',
  'pid /tmp/nginx.pid;',
  'events {',
  '  worker_connections 1024;',
  '}',
  'http {',
  '  include /etc/nginx/mime.types;',
  '  default_type application/octet-stream;',
  '  access_log /dev/stdout;',
  '  sendfile on;',
  '  keepalive_timeout 65;',
  '  client_body_temp_path /tmp/client_temp;',
  '  proxy_temp_path /tmp/proxy_temp;',
  '  fastcgi_temp_path /tmp/fastcgi_temp;',
  '  uwsgi_temp_path /tmp/uwsgi_temp;',
  '  scgi_temp_path /tmp/scgi_temp;',
  '  include /etc/nginx/conf.d/*.conf;',
  '}',
  '',
].join('\n');

/**
 * The static UI (nginx). `METAFLOW_SERVICE` tells it where the UI backend is: the same host under
 * `/api` (no trailing slash: the UI appends paths that start with `/`), so the browser's gateway
 * session cookie covers both. It runs as its own ServiceAccount, with no AWS role and no API token.
 *
 * The image is built `FROM nginx`, whose master starts as root, chowns its temp directories to the
 * `nginx` user and switches to it: with every capability dropped that fails
 * (`chown(".../client_temp") failed (Operation not permitted)`). Instead of adding CHOWN, SETUID and
 * SETGID back, the whole pod runs as that unprivileged user with the configuration above; the
 * image's entrypoint still renders its server template (it runs its scripts when the first argument
 * is `nginx`), into an emptyDir at `/etc/nginx/conf.d`.
 */
export function addUiStatic(scope: Construct, ctx: StageContext): void {
  new kplus.ConfigMap(scope, 'ui-static-nginx', {
    metadata: { name: UI_STATIC_NGINX_CONFIG, namespace: NAMESPACES.metaflow },
    data: { 'nginx.conf': UI_STATIC_NGINX_CONF },
  });
  addHttpWorkload(scope, {
    name: UI_STATIC,
    namespace: NAMESPACES.metaflow,
    serviceAccountName: UI_STATIC,
    image: METAFLOW_UI_IMAGE,
    args: ['nginx', '-c', `${NGINX_CONFIG_DIR}/nginx.conf`, '-g', 'daemon off;'],
    port: UI_STATIC_PORT,
    readinessPath: '/',
    env: [{ name: 'METAFLOW_SERVICE', value: `https://${ctx.host}${STAGE_PATHS.api.replace(/\/$/, '')}` }],
    requests: { cpu: '50m', memory: '64Mi' },
    limits: { cpu: '250m', memory: '256Mi' },
    replicas: ctx.config.isProd ? 2 : 1,
    runAsNonRoot: { user: UI_STATIC_USER, group: UI_STATIC_USER },
    volumes: [
      { volume: { name: 'nginx-config', configMap: { name: UI_STATIC_NGINX_CONFIG } }, mountPath: NGINX_CONFIG_DIR, readOnly: true },
      { volume: { name: 'nginx-conf-d', emptyDir: {} }, mountPath: '/etc/nginx/conf.d' },
    ],
  });
}
