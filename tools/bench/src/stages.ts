/**
 * `count` more stages made from the example stage's file: distinct names (bench-01...), accounts and
 * VPC ranges, so the cross-stage rules accept them. Returns [file name, text] pairs.
 */
export function extraStages(exampleYaml: string, count: number): [string, string][] {
  if (!/^accountId: "\d{12}"$/m.test(exampleYaml) || !/^ {2}vpcCidr: 10\.0\.0\.0\/16$/m.test(exampleYaml))
    throw new Error('environments/example.yaml no longer has the accountId and network.vpcCidr lines the bench rewrites');
  return Array.from({ length: count }, (_, i) => {
    const n = i + 1;
    const text = exampleYaml
      .replace(/^accountId: "\d{12}"$/m, `accountId: "${String(900_000_000_000 + n)}"`)
      .replace(/^ {2}vpcCidr: 10\.0\.0\.0\/16$/m, `  vpcCidr: 10.${n % 256}.0.0/16`);
    return [`bench-${String(n).padStart(2, '0')}.yaml`, text];
  });
}
