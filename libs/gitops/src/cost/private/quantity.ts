const MEMORY_UNITS: Record<string, number> = {
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
};

/** A Kubernetes CPU quantity (`250m`, `1`, `0.5`) in cores; undefined when it is not one. */
export function cpuCores(q: unknown): number | undefined {
  if (typeof q === 'number') return q;
  if (typeof q !== 'string') return undefined;
  const m = /^(\d+(?:\.\d+)?)(m?)$/.exec(q.trim());
  if (!m) return undefined;
  return Number(m[1]) / (m[2] === 'm' ? 1000 : 1);
}

/** A Kubernetes memory quantity (`512Mi`, `1Gi`, `1e9`, `128M`) in MiB; undefined when it is not one. */
export function memoryMiB(q: unknown): number | undefined {
  if (typeof q === 'number') return q / 1024 ** 2;
  if (typeof q !== 'string') return undefined;
  const m = /^(\d+(?:\.\d+)?(?:e\d+)?)([kMGT]i?)?$/.exec(q.trim());
  if (!m) return undefined;
  return (Number(m[1]) * MEMORY_UNITS[m[2] ?? '']) / 1024 ** 2;
}
