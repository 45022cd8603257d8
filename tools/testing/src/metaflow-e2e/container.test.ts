import { containerProcess, mapPathsInText, securityOptions, type LocalImage } from './container';

const image: LocalImage = {
  paths: { '/opt/latest/bin/python3': '/usr/bin/python3', '/root/': '/src/service/', '/tmp': '/work/tmp' },
  secrets: { db: { password: 'pw' } },
  extraEnv: { PATH: '/usr/bin' },
  entrypoint: ['/docker-entrypoint.sh'],
  cmd: ['nginx', '-g', 'daemon off;'],
};

describe('containerProcess', () => {
  it('maps image paths in command and args, resolves secrets, adds the machine variables', () => {
    const proc = containerProcess(
      {
        name: 'c',
        command: ['/opt/latest/bin/python3', '/root/run_goose.py'],
        env: [
          { name: 'A', value: '1' },
          { name: 'PSWD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
        ],
      },
      image,
    );
    expect(proc).toEqual({ file: '/usr/bin/python3', args: ['/src/service/run_goose.py'], env: { A: '1', PSWD: 'pw', PATH: '/usr/bin' } });
  });

  it('runs the image entrypoint with the args, or with the image CMD when there are none (Kubernetes command/args semantics)', () => {
    expect(containerProcess({ name: 'c', args: ['nginx', '-c', '/tmp/x.conf'] }, image)).toMatchObject({
      file: '/docker-entrypoint.sh',
      args: ['nginx', '-c', '/work/tmp/x.conf'],
    });
    expect(containerProcess({ name: 'c' }, image)).toMatchObject({ file: '/docker-entrypoint.sh', args: ['nginx', '-g', 'daemon off;'] });
    expect(containerProcess({ name: 'c', command: ['/bin/true'] }, image)).toMatchObject({ file: '/bin/true', args: [] });
  });

  it('refuses a secret it was not given, and an override of a variable the manifest does not set', () => {
    const secret = { name: 'X', valueFrom: { secretKeyRef: { name: 'db', key: 'username' } } };
    expect(() => containerProcess({ name: 'c', command: ['x'], env: [secret] }, image)).toThrow('reads secret db/username, not supplied');
    expect(() => containerProcess({ name: 'c', command: ['x'] }, { ...image, overrides: { PORT: { value: '1', why: 'test' } } })).toThrow(
      'override PORT is not a rendered variable',
    );
  });
});

describe('mapPathsInText', () => {
  it('maps whole path segments only', () => {
    expect(mapPathsInText('pid /tmp/nginx.pid;\ninclude /tmpx/a;\nroot /tmp;', image.paths)).toBe(
      'pid /work/tmp/nginx.pid;\ninclude /tmpx/a;\nroot /work/tmp;',
    );
  });
});

describe('securityOptions', () => {
  it('drops every capability and sets no_new_privs for the rendered context', () => {
    const options = securityOptions({}, { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } }, image);
    expect(options).toEqual(expect.arrayContaining(['--inh-caps=-all', '--ambient-caps=-all', '--no-new-privs']));
  });

  it('refuses what it cannot emulate, and runAsNonRoot without a non-root user', () => {
    expect(() => securityOptions({}, { capabilities: { add: ['NET_ADMIN'] } }, image)).toThrow('not emulated');
    expect(() => securityOptions({}, { capabilities: { drop: ['CHOWN'] } }, image)).toThrow('not emulated');
    expect(() => securityOptions({ runAsNonRoot: true }, {}, image)).toThrow('runAsNonRoot');
    expect(() => securityOptions({ runAsNonRoot: true, runAsUser: 101 }, {}, image)).not.toThrow();
  });
});
