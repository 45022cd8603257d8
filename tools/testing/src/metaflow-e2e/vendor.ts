import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The repository root (this file is tools/testing/src/metaflow-e2e/vendor.ts). */
export const REPO_ROOT = path.resolve(__dirname, '../../../..');

/** The upstream sources the tests unpack: the Metaflow client and metaflow-service at the tag the manifests pin. */
const TARBALLS = { metaflow: 'metaflow-2.19.38.tar.xz', service: 'metaflow-service-2.5.0.tar.xz' } as const;

/** The version the metadata service reads from its own distribution metadata (`importlib.metadata`). */
const SERVICE_DISTRIBUTION = { name: 'metadata_service', version: '2.5.0' };

/**
 * Where the upstream source tarballs are: METAFLOW_GITOPS_VENDOR_DIR, else `../shared/vendor` beside
 * the repository (the README says what each holds and how it is made). They are never committed.
 */
export function vendorDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.METAFLOW_GITOPS_VENDOR_DIR ?? path.resolve(REPO_ROOT, '../shared/vendor');
}

/** Why the upstream sources cannot be used, or undefined when both tarballs are there. */
export function vendorUnavailable(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dir = vendorDir(env);
  const missing = Object.values(TARBALLS).filter((t) => !fs.existsSync(path.join(dir, t)));
  if (missing.length > 0) return `${missing.join(', ')} not found in ${dir} (set METAFLOW_GITOPS_VENDOR_DIR to the folder that holds them)`;
  return undefined;
}

export interface UnpackedSources {
  /** The folder to put on PYTHONPATH for `import metaflow`. */
  readonly metaflow: string;
  /** The folder the service image has as `/root/` (run_goose.py, services/), with the distribution metadata the image's pip install leaves. */
  readonly service: string;
}

/** Unpacks both tarballs once into tmp/metaflow-e2e/ (reused while the tarball is unchanged). */
export function unpackSources(env: NodeJS.ProcessEnv = process.env): UnpackedSources {
  const cache = path.join(REPO_ROOT, 'tmp', 'metaflow-e2e');
  const unpack = (tarball: string): string => {
    const source = path.join(vendorDir(env), tarball);
    const stamp = `${fs.statSync(source).size}-${fs.statSync(source).mtimeMs}`;
    const target = path.join(cache, tarball.replace(/\.tar\.xz$/, ''));
    const stampFile = path.join(target, '.unpacked');
    if (fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === stamp) return target;
    fs.rmSync(target, { recursive: true, force: true });
    fs.mkdirSync(target, { recursive: true });
    const tar = spawnSync('tar', ['-xJf', source, '-C', target, '--strip-components=1'], { encoding: 'utf8' });
    if (tar.status !== 0) throw new Error(`cannot unpack ${source}: ${tar.stderr}`);
    fs.writeFileSync(stampFile, stamp);
    return target;
  };
  const metaflow = unpack(TARBALLS.metaflow);
  const service = unpack(TARBALLS.service);
  const distInfo = path.join(service, `${SERVICE_DISTRIBUTION.name}-${SERVICE_DISTRIBUTION.version}.dist-info`);
  fs.mkdirSync(distInfo, { recursive: true });
  fs.writeFileSync(
    path.join(distInfo, 'METADATA'),
    `Metadata-Version: 2.1\nName: ${SERVICE_DISTRIBUTION.name}\nVersion: ${SERVICE_DISTRIBUTION.version}\n`,
  );
  return { metaflow, service };
}
