import { normalizeStage, StageConfig } from '@metaflow-gitops/stage-config';

type DeepPartial<T> = {
  -readonly [K in keyof T]?: T[K] extends readonly unknown[] ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K];
};

/**
 * A normalized StageConfig for tests that need one without a stage file (construct and chart
 * tests). Values mirror environments/example.yaml; pass overrides for prod, GPU, delegation, etc.
 * The overrides are applied to the file content and go through the loader's normalizer, so a
 * fixture gets exactly the defaults a stage file gets (`isProd: true` brings the prod defaults, a
 * partial `compute.gpu` the GPU pool defaults). Not validated: tests may build invalid stages.
 */
export function makeStageConfig(overrides: DeepPartial<StageConfig> = {}): StageConfig {
  const { name = 'example', sourceFile, ...fields } = overrides;
  const file = merge(
    {
      accountId: '111111111111',
      region: 'us-west-2',
      isProd: false,
      domain: {
        parentDomain: 'metaflow.example.com',
        delegation: { mode: 'same-account', parentHostedZoneId: 'Z0000000000EXAMPLE000' },
      },
      oidcConfig: { issuerUrl: 'https://idp.example.com', allowedGroups: ['ml-platform'] },
    },
    fields,
  );
  return normalizeStage(name, sourceFile ?? `environments/${name}.yaml`, file);
}

function merge(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (Array.isArray(over) || typeof over !== 'object' || over === null) return over;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(over)) out[k] = merge((base as Record<string, unknown>)?.[k], v);
  return out;
}

/** The text of a minimal valid non-prod stage file, followed by `lines` (top-level keys and their bodies). */
export function minimalStageText(...lines: string[]): string {
  return [
    'accountId: "111111111111"',
    'region: us-west-2',
    'isProd: false',
    'domain:',
    '  parentDomain: metaflow.example.com',
    'oidcConfig:',
    '  issuerUrl: https://idp.example.com',
    ...lines,
    '',
  ].join('\n');
}
