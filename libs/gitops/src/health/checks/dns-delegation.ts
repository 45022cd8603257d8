import { isDelegated, nsRecordLines } from '../../deploy/delegation';
import { DoctorCheck } from '../doctor-check';

/** Public DNS delegates the stage host to the stage's own zone (the Dns stack's `NameServers`). */
export const dnsDelegationCheck: DoctorCheck = {
  id: 'dns-delegation',
  title: "public DNS delegates the stage host to the stage zone's name servers",
  async run(ctx) {
    const outputs = await ctx.outputs();
    const ours = outputs.nameServers
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const answer = await ctx.resolveNs(ctx.host);
    if (isDelegated(answer, ours))
      return { check: 'dns-delegation', status: 'ok', summary: `${ctx.host} is delegated to ${answer.join(', ')}` };
    const mode = ctx.config.domain.delegation.mode;
    return {
      check: 'dns-delegation',
      status: 'fail',
      summary: answer.length
        ? `public DNS delegates ${ctx.host} to ${answer.join(', ')}, not to the stage zone (an older zone?)`
        : `public DNS has no NS records for ${ctx.host}`,
      details: nsRecordLines(ctx.host, ours),
      fix:
        mode === 'manual'
          ? `put exactly these NS records in the parent zone (replacing any others for ${ctx.host}); public resolvers follow within their TTL`
          : `the Dns stack writes the delegation itself (${mode}): mfctl deploy ${ctx.config.name} restores it; if the parent zone was changed by hand, put exactly these NS records there`,
    };
  },
};
