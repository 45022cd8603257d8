// Lists the values paths a Helm chart's templates read, for the committed lists in
// libs/constructs/src/k8s/releases/chart-values/ (one file per pinned chart version, checked by
// releases.test.ts: every value the project sets must be a path the chart reads).
//
// A chart's values.yaml is not enough: it shows keys as examples or as empty maps (`s3: {}`) whose
// contents only the templates decide. So the paths come from the templates themselves:
// - `.Values.a.b.c` anywhere in a template is the exact path `a.b.c`;
// - `toYaml .Values.a.b`, `with .Values.a.b` and `range ... .Values.a.b` render or walk the whole
//   map, so every key under it is read: the line is `a.b.*`.
// Keys a template reads only through a helper that receives a parent map (`include "x" .Values.a`)
// are not seen: a test failure on such a key is checked against the template by hand, and the path
// added to the list with a comment saying where the chart reads it.
//
//   helm pull <chart> --repo <repository> --version <version> --untar --untardir /tmp/chart
//   node tools/chart-value-paths.mjs /tmp/chart/<chart> > libs/constructs/src/k8s/releases/chart-values/<chart>-<version>.txt
//
// then put the header back (chart, version, where the templates came from) and any hand-added lines.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const chartDir = process.argv[2];
if (!chartDir) {
  process.stderr.write('usage: node tools/chart-value-paths.mjs <unpacked chart directory>\n');
  process.exit(2);
}

/** Every file under `templates/` of the chart and of its bundled subcharts. */
function templateFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...templateFiles(p));
    else if (/\.(ya?ml|tpl|txt)$/.test(name) && p.includes(`${'/'}templates${'/'}`)) out.push(p);
  }
  return out;
}

const exact = new Set();
const subtree = new Set();
for (const file of templateFiles(chartDir)) {
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(/\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)/g)) exact.add(m[1].slice(1));
  for (const m of text.matchAll(/(?:toYaml|with|range[^}]*?)\s+\(?\$?\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)/g)) subtree.add(m[1].slice(1));
}
const lines = [...new Set([...exact, ...[...subtree].map((p) => `${p}.*`)])].sort();
process.stdout.write(`${lines.join('\n')}\n`);
