import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: { readonly secretKeyRef?: { readonly name: string; readonly key: string } };
}

interface SecurityContext {
  readonly allowPrivilegeEscalation?: boolean;
  readonly capabilities?: { readonly drop?: readonly string[]; readonly add?: readonly string[] };
  readonly runAsUser?: number;
  readonly runAsGroup?: number;
  readonly runAsNonRoot?: boolean;
}

/** The parts of a rendered container this runner reads. */
export interface RenderedContainer {
  readonly name: string;
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  readonly env?: readonly EnvVar[];
  readonly securityContext?: SecurityContext;
  readonly volumeMounts?: readonly { readonly name: string; readonly mountPath: string }[];
}

/** The parts of a rendered pod spec this runner reads. */
export interface RenderedPod {
  readonly containers: readonly RenderedContainer[];
  readonly securityContext?: SecurityContext;
  readonly volumes?: readonly { readonly name: string; readonly configMap?: { readonly name: string }; readonly emptyDir?: object }[];
}

/** How the container's image maps onto this machine, and what the cluster would supply. */
export interface LocalImage {
  /** Image path prefixes and the local paths standing for them (e.g. `/root/` -> the unpacked service sources). */
  readonly paths: Readonly<Record<string, string>>;
  /** Secret name -> key -> value, for `valueFrom.secretKeyRef`. */
  readonly secrets: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Variables the machine needs on top of the rendered ones (PATH, PYTHONPATH, a loopback port). */
  readonly extraEnv: Readonly<Record<string, string>>;
  /** Rendered variables replaced, each with the reason it cannot be the rendered value here. */
  readonly overrides?: Readonly<Record<string, { readonly value: string; readonly why: string }>>;
  /** The uid/gid the image runs as when the pod does not say (the image's USER). */
  readonly imageUser?: { readonly uid: number; readonly gid: number };
  /** The image's ENTRYPOINT and CMD (what runs when the container gives no command, or no args either). */
  readonly entrypoint?: readonly string[];
  readonly cmd?: readonly string[];
}

export interface ContainerProcess {
  readonly file: string;
  readonly args: string[];
  readonly env: Record<string, string>;
}

/** The image path prefixes, longest first; a prefix matches whole path segments (`/tmp` matches `/tmp/x`, not `/tmpx`). */
function prefixes(paths: LocalImage['paths']): string[] {
  return Object.keys(paths).sort((a, b) => b.length - a.length);
}

function mapPath(value: string, paths: LocalImage['paths']): string {
  const prefix = prefixes(paths).find((p) => value === p || value.startsWith(p.endsWith('/') ? p : `${p}/`));
  return prefix === undefined ? value : `${paths[prefix]}${value.slice(prefix.length)}`;
}

/** A configuration file's text with the image paths in it mapped (what the mount namespace does for the process). */
export function mapPathsInText(text: string, paths: LocalImage['paths']): string {
  const escape = (p: string) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`(${prefixes(paths).map(escape).join('|')})(?=[/;\\s"']|$)`, 'gm');
  return text.replace(pattern, (p) => paths[p]);
}

/** The rendered environment, secrets resolved, as the kubelet would give it (without the cluster's own variables). */
export function renderedEnv(container: RenderedContainer, image: LocalImage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const v of container.env ?? []) {
    const ref = v.valueFrom?.secretKeyRef;
    if (ref) {
      const value = image.secrets[ref.name]?.[ref.key];
      if (value === undefined)
        throw new Error(`container ${container.name}: env ${v.name} reads secret ${ref.name}/${ref.key}, not supplied`);
      env[v.name] = value;
    } else if (v.value !== undefined) env[v.name] = v.value;
    else throw new Error(`container ${container.name}: env ${v.name} has neither value nor secretKeyRef`);
  }
  return env;
}

/**
 * `setpriv` options that apply the security context on Linux: dropped capabilities leave the
 * bounding, inheritable and ambient sets (so the process has none, root or not),
 * `allowPrivilegeEscalation: false` is no_new_privs, and runAsUser/runAsGroup (else the image's
 * user) switch ids when the test runs as root.
 */
export function securityOptions(pod: SecurityContext | undefined, container: SecurityContext | undefined, image: LocalImage): string[] {
  const ctx = { ...pod, ...container };
  if (ctx.capabilities?.add?.length) throw new Error(`capabilities.add ${ctx.capabilities.add.join(',')} is not emulated`);
  const options: string[] = [];
  const drop = ctx.capabilities?.drop ?? [];
  // Only root may shrink the bounding set; anyone else has no capabilities to begin with.
  if (drop.includes('ALL'))
    options.push(...(process.getuid?.() === 0 ? ['--bounding-set=-all'] : []), '--inh-caps=-all', '--ambient-caps=-all');
  else if (drop.length > 0) throw new Error(`dropping single capabilities (${drop.join(',')}) is not emulated`);
  if (ctx.allowPrivilegeEscalation === false) options.push('--no-new-privs');
  const user = runAs(pod, container, image);
  if (ctx.runAsNonRoot && (user === undefined || user.uid === 0)) throw new Error('runAsNonRoot, but the container would run as root');
  if (user && process.getuid?.() === 0) options.push(`--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups');
  return options;
}

/** The local process for a rendered container: its command and args with image paths mapped, its env. */
export function containerProcess(container: RenderedContainer, image: LocalImage): ContainerProcess {
  // Kubernetes: command replaces the image's ENTRYPOINT, args its CMD (https://kubernetes.io/docs/tasks/inject-data-application/define-command-argument-container/).
  const command = container.command ?? image.entrypoint ?? [];
  const args = container.args ?? (container.command ? [] : (image.cmd ?? []));
  const argv = [...command, ...args].map((a) => mapPath(a, image.paths));
  if (argv.length === 0) throw new Error(`container ${container.name}: no command, and the image stand-in has no entrypoint or cmd`);
  const env = { ...renderedEnv(container, image), ...image.extraEnv };
  for (const [name, { value }] of Object.entries(image.overrides ?? {})) {
    if (!(name in env)) throw new Error(`container ${container.name}: override ${name} is not a rendered variable`);
    env[name] = value;
  }
  return { file: argv[0], args: argv.slice(1), env };
}

/** The uid and gid the container runs as (runAsUser/runAsGroup, else the image's user), or undefined for the current ones. */
export function runAs(
  pod: SecurityContext | undefined,
  container: SecurityContext | undefined,
  image: LocalImage,
): { uid: number; gid: number } | undefined {
  const ctx = { ...pod, ...container };
  const uid = ctx.runAsUser ?? image.imageUser?.uid;
  return uid === undefined ? undefined : { uid, gid: ctx.runAsGroup ?? image.imageUser?.gid ?? uid };
}

/**
 * The container's volumes as local folders, added to the image's path map: a ConfigMap's data
 * written as files (image paths in them mapped), an emptyDir an empty folder, both owned by the
 * user the container runs as (a ConfigMap mount is read-only to it: files 0444).
 */
export function mountVolumes(
  container: RenderedContainer,
  pod: RenderedPod,
  configMaps: Readonly<Record<string, Readonly<Record<string, string>>>>,
  image: LocalImage,
  root: string,
): LocalImage {
  const paths: Record<string, string> = { ...image.paths };
  const owner = runAs(pod.securityContext, container.securityContext, image);
  const mounted: { dir: string; files: Record<string, string> }[] = [];
  for (const mount of container.volumeMounts ?? []) {
    const volume = pod.volumes?.find((v) => v.name === mount.name);
    if (!volume) throw new Error(`container ${container.name} mounts ${mount.name}, which the pod does not define`);
    const dir = path.join(root, mount.name);
    fs.mkdirSync(dir, { recursive: true });
    if (volume.configMap) {
      const data = configMaps[volume.configMap.name];
      if (!data) throw new Error(`volume ${mount.name}: ConfigMap ${volume.configMap.name} not rendered`);
      mounted.push({ dir, files: { ...data } });
    } else if (!volume.emptyDir) throw new Error(`volume ${mount.name}: only configMap and emptyDir volumes are emulated`);
    if (owner && process.getuid?.() === 0) fs.chownSync(dir, owner.uid, owner.gid);
    paths[mount.mountPath] = dir;
  }
  for (const { dir, files } of mounted)
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), mapPathsInText(text, paths), { mode: 0o444 });
  return { ...image, paths };
}

/** Starts the container's process under its security context (through setpriv). */
export function startContainer(
  container: RenderedContainer,
  podSecurity: SecurityContext | undefined,
  image: LocalImage,
  options: SpawnOptions = {},
): ChildProcess {
  const proc = containerProcess(container, image);
  const security = securityOptions(podSecurity, container.securityContext, image);
  return spawn('setpriv', [...security, '--', proc.file, ...proc.args], { ...options, env: proc.env });
}

export interface ContainerResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the container's process to its end under its security context (a Job's container). */
export function runContainer(
  container: RenderedContainer,
  podSecurity: SecurityContext | undefined,
  image: LocalImage,
  options: SpawnOptions = {},
): Promise<ContainerResult> {
  return collect(startContainer(container, podSecurity, image, { ...options, stdio: ['ignore', 'pipe', 'pipe'] }));
}

/** Waits for a child with piped stdout and stderr to exit; its output and exit code. */
export function collect(child: ChildProcess): Promise<ContainerResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
