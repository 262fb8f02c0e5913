// Checks each dashboard JSON against Grafana's dashboard schema types (@grafana/schema).
// Importing the JSON as a module would widen its strings and fail on every enum-like field,
// so each file is written into a generated .ts file as an object literal typed Dashboard and
// compiled with tsc. A deliberately broken copy must fail, or the check proves nothing.
// Prints one line per check and 'N passed, N failed, N skipped'.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dashboards = join(here, '..', 'dashboards');
const generated = join(here, 'generated');

// Grafana writes `definition` (the query's text as the variable editor shows it) on query
// variables: its own save-model serializer (dashboard-scene, sceneVariablesSetToVariables) sets
// it, and the v2 schema in this same package has QueryVariableSpec.definition; only the v1
// VariableModel type lacks it. So it is allowed there, and nowhere else.
const header = `import type { Dashboard, VariableModel } from '@grafana/schema';
type QueryVariable = VariableModel & { type: 'query'; definition?: string };
type CheckedDashboard = Omit<Dashboard, 'templating'> & { templating?: { list?: Array<QueryVariable | VariableModel> } };
`;

function tsc(file) {
  try {
    execFileSync(process.execPath, [join(here, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '--strict', '--skipLibCheck',
      '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext', file], { cwd: here, stdio: 'pipe' });
    return '';
  } catch (error) {
    return `${error.stdout}${error.stderr}`.trim() || String(error);
  }
}

function generate(name, dashboard) {
  const file = join(generated, `${name}.ts`);
  writeFileSync(file, `${header}\nexport const dashboard: CheckedDashboard = ${JSON.stringify(dashboard, null, 2)};\n`);
  return file;
}

rmSync(generated, { recursive: true, force: true });
mkdirSync(generated);
let passed = 0, failed = 0;
const report = (ok, what, detail) => {
  console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok && detail) console.log(detail.split('\n').map((l) => `       ${l}`).join('\n'));
  ok ? passed++ : failed++;
};

const files = readdirSync(dashboards).filter((f) => f.endsWith('.json'));
for (const f of files) {
  const errors = tsc(generate(f.replace(/\.json$/, ''), JSON.parse(readFileSync(join(dashboards, f), 'utf8'))));
  report(errors === '', `${f} matches Grafana's dashboard schema`, errors);
}

// The check must be able to fail: a panel's gridPos width as text, and a variable's unknown field.
const sample = JSON.parse(readFileSync(join(dashboards, files[0]), 'utf8'));
const badGrid = structuredClone(sample);
badGrid.panels[0].gridPos.w = 'wide';
report(tsc(generate('broken-gridpos', badGrid)).includes("Type 'string' is not assignable to type 'number'"), 'a gridPos width given as text is refused');
const badVariable = structuredClone(sample);
badVariable.templating.list[0].definitions = 'typo';
report(tsc(generate('broken-variable', badVariable)).includes('definitions'), 'an unknown field on a variable is refused');

console.log(`${passed} passed, ${failed} failed, 0 skipped`);
process.exit(failed === 0 ? 0 : 1);
