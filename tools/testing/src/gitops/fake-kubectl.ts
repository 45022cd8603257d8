import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * A `kubectl` script for tests without an API server, first on the PATH of `env` and of `run`: `get <resource> <name> [-n ns] -o json`
 * prints the object stored with `put`, or a NotFound error like the real one; every call's
 * arguments are logged; `unreachable()` makes every call fail like a cluster that cannot be reached.
 * Any verb other than `get` fails, so a test sees a command that would change something.
 */
export class FakeKubectl {
  readonly dir: string;
  readonly binDir: string;
  /** The process environment with the fake first on PATH. */
  readonly env: NodeJS.ProcessEnv;

  constructor() {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-kubectl-'));
    this.binDir = path.join(this.dir, 'bin');
    fs.mkdirSync(path.join(this.dir, 'objects'), { recursive: true });
    fs.mkdirSync(this.binDir);
    const script = `#!/bin/sh
dir='${this.dir}'
printf '%s\\n' "$*" >> "$dir/calls.log"
if [ -e "$dir/unreachable" ]; then
  echo 'The connection to the server 10.0.0.1:443 was refused - did you specify the right host or port?' >&2
  exit 1
fi
[ "$1" = "--context" ] && shift 2
verb="$1"; shift
if [ "$verb" != "get" ]; then echo "fake kubectl: only get is allowed, got $verb" >&2; exit 99; fi
resource="$1"; name="$2"; ns=_cluster
shift 2
while [ $# -gt 0 ]; do
  case "$1" in -n) ns="$2"; shift 2 ;; *) shift ;; esac
done
file="$dir/objects/$resource/$ns/$name.json"
if [ -f "$file" ]; then cat "$file"; exit 0; fi
echo "Error from server (NotFound): $resource \\"$name\\" not found" >&2
exit 1
`;
    fs.writeFileSync(path.join(this.binDir, 'kubectl'), script, { mode: 0o755 });
    this.env = { ...process.env, PATH: `${this.binDir}${path.delimiter}${process.env.PATH ?? ''}` };
  }

  /** Runs a tool as the sync's runner does, with `env` (so `kubectl` is the fake). */
  readonly run = (command: string, args: readonly string[], input?: string): { code: number; stdout: string; stderr: string } => {
    const r = spawnSync(command, [...args], { input, encoding: 'utf8', env: this.env });
    return { code: r.status ?? 1, stdout: r.stdout ?? '', stderr: r.stderr ?? String(r.error ?? '') };
  };

  /** Stores the live object `kubectl get <resource> <name> [-n namespace]` returns. */
  put(resource: string, live: { metadata: { name: string; namespace?: string } } & Record<string, unknown>): this {
    const file = path.join(this.dir, 'objects', resource, live.metadata.namespace ?? '_cluster', `${live.metadata.name}.json`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(live));
    return this;
  }

  unreachable(): this {
    fs.writeFileSync(path.join(this.dir, 'unreachable'), '');
    return this;
  }

  /** The argument lists of every call so far. */
  calls(): string[] {
    const log = path.join(this.dir, 'calls.log');
    return fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trimEnd().split('\n') : [];
  }

  cleanup(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
