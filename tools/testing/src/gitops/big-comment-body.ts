import { sectionBoundary } from '@metaflow-gitops/gitops';

/**
 * A 5 MB body shaped like a big diff comment, to cut: 400 stages of 12 resource sections (5,200
 * section boundaries), some non-ASCII text. Deterministic.
 */
export function fiveMegabyteCommentBody(): string {
  const parts = ['<!-- marker -->\n## Diff\n\n'];
  for (let s = 0; s < 400; s++) {
    parts.push(sectionBoundary(0), `<details><summary>stage-${s} ✅ ${s % 7} changes</summary>\n\n`);
    for (let r = 0; r < 12; r++) {
      const line = `| \`Res${s}x${r}\` | AWS::IAM::Role | ${r % 3 === 0 ? 'é' : 'e'}${'-'.repeat(40 + ((s * 12 + r) % 29))} |\n`;
      parts.push(sectionBoundary(1), `#### resource ${r}\n\n${line.repeat(17)}\n`);
    }
    parts.push('</details>\n\n');
  }
  return parts.join('');
}
