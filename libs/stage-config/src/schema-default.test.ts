import { schemaDefault, schemaDefaults } from './schema-default';
import { STAGE_SCHEMA } from './schema';

describe('schemaDefault', () => {
  it.each([
    ['network.vpcCidr', false, '10.0.0.0/16'],
    ['database.minCapacity', false, 0.5],
    ['database.backupRetentionDays', false, 7],
    ['database.backupRetentionDays', true, 30],
    ['cluster.publicEndpoint', true, false],
    ['database.maxCapacity', true, 4],
    ['cluster.accessPrincipals[].namespaces', false, []],
  ])('%s (prod: %s) is %j', (path, isProd, expected) => expect(schemaDefault(path, isProd)).toEqual(expected));

  it('hands out a copy, so a caller cannot change the schema', () => {
    schemaDefault<string[]>('oidcConfig.scopes').push('offline_access');
    expect(schemaDefault('oidcConfig.scopes')).toEqual(['openid', 'email', 'profile']);
    expect(STAGE_SCHEMA.properties?.oidcConfig.properties?.scopes.default).toEqual(['openid', 'email', 'profile']);
  });

  it('collects the defaults of an object field', () => {
    expect(schemaDefaults('compute.gpu')).toEqual({
      instanceFamilies: ['g6', 'g5'],
      capacityTypes: ['on-demand'],
      maxCpu: 192,
      maxMemoryGiB: 1536,
      maxGpus: 8,
    });
  });

  it('names a field the schema lacks, or one without a default', () => {
    expect(() => schemaDefault('network.vpcCidrs')).toThrow('the stage schema (schema.ts) has no field network.vpcCidrs');
    expect(() => schemaDefault('accountId')).toThrow('the stage schema (schema.ts) states no default for accountId');
  });
});
