import { OUTPUTS, OutputName, RawStackOutputs, stackName } from '@metaflow-gitops/stage-config';
import { esc } from './markdown';

const LINKS: readonly OutputName[] = ['uiUrl', 'serviceUrl', 'apiUrl', 'discoveryUrl'];

/** The deploy job's summary: the stage's URLs first, then every output per stack. */
export function deploySummaryMarkdown(stage: string, raw: RawStackOutputs, meta: { sha?: string; runUrl?: string } = {}): string {
  const value = (name: OutputName): string | undefined => raw[stackName(stage, OUTPUTS[name].stack)]?.[OUTPUTS[name].outputKey];
  const out = [`## Deployed \`${esc(stage)}\`${meta.sha ? ` at \`${meta.sha.slice(0, 7)}\`` : ''}\n\n`];
  const links = LINKS.filter((n) => value(n)).map((n) => `- ${OUTPUTS[n].description}: ${value(n)}`);
  out.push(links.length ? `${links.join('\n')}\n\n` : '_No URL outputs found: did the ingress stack deploy?_\n\n');
  const missing = (Object.keys(OUTPUTS) as OutputName[]).filter((n) => value(n) === undefined);
  if (missing.length) out.push(`⚠️ Missing outputs: ${missing.map((n) => `\`${OUTPUTS[n].outputKey}\``).join(', ')}\n\n`);
  for (const [stack, outputs] of Object.entries(raw).sort()) {
    out.push(
      `<details><summary><code>${esc(stack)}</code> (${Object.keys(outputs).length} outputs)</summary>\n\n| Output | Value |\n|---|---|\n`,
    );
    for (const [k, v] of Object.entries(outputs).sort()) out.push(`| ${esc(k)} | ${esc(String(v))} |\n`);
    out.push('\n</details>\n\n');
  }
  if (meta.runUrl) out.push(`The outputs file is attached to [this run](${meta.runUrl}) as the \`outputs-${esc(stage)}\` artifact.\n`);
  return out.join('');
}
