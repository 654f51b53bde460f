import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYNTH_TIMEOUT_MS, type Synthesized, synthesize } from './synth';

/**
 * cfn-lint (AWS's CloudFormation linter, Python) on the synthesized template. It is part of this machine's
 * image, not an npm package: where it is missing the test says so and skips, unless
 * DOCUSNAP_REQUIRE_CFN_LINT=1 (set by .ci/run) makes a missing linter a failure.
 */
const REQUIRED = process.env.DOCUSNAP_REQUIRE_CFN_LINT === '1';

/** W3005: a DependsOn beside a GetAtt of the same resource. CDK writes those itself; harmless. */
const IGNORED_CHECKS = ['W3005'];
/** A cfn-lint process takes ~10 s on a quiet machine and several times that on a loaded one. */
const LINT_TIMEOUT_MS = 180_000;

interface Finding {
  Level: string;
  Message: string;
  Rule: { Id: string };
  Location: { Path: (string | number)[] };
}

const version = (() => {
  const probe = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
  return probe.error || probe.status !== 0 ? undefined : probe.stdout.trim();
})();

function lint(template: unknown): Finding[] {
  const file = path.join(dir, `template-${Math.random().toString(36).slice(2)}.json`);
  fs.writeFileSync(file, JSON.stringify(template));
  // `--` ends --ignore-checks' list, which would otherwise take the file name as one more check.
  const run = spawnSync('cfn-lint', ['--format', 'json', '--ignore-checks', ...IGNORED_CHECKS, '--', file], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.error) throw run.error;
  // Exit status 0 is clean; 2, 4, 6, 8… are bit flags for errors, warnings and informational findings.
  if (run.status !== 0 && run.stdout.trim() === '') throw new Error(`cfn-lint failed: ${run.stderr}`);
  return JSON.parse(run.stdout || '[]') as Finding[];
}

const describeFinding = (finding: Finding) =>
  `${finding.Rule.Id} at ${finding.Location.Path.join('/')}: ${finding.Message}`;

let dir: string;
let synth: Synthesized | undefined;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'docusnap-cfn-lint-'));
  if (!version) return;
  // Every optional resource on: the alarm e-mail subscription and the budget are linted too.
  synth = synthesize({ alarmEmail: 'oncall@example.com', monthlyBudgetUsd: '100' });
}, SYNTH_TIMEOUT_MS);
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('cfn-lint', { timeout: LINT_TIMEOUT_MS }, () => {
  it('is installed, or the run says why it skips', (context) => {
    if (version) return;
    const message =
      'cfn-lint is not on PATH: the synthesized template is not linted (pipx install cfn-lint, or see docs/deploy.md)';
    if (REQUIRED) throw new Error(`${message}; DOCUSNAP_REQUIRE_CFN_LINT=1 requires it`);
    console.warn(message);
    context.skip(message);
  });

  it('finds no error and no warning in the synthesized template (W3005 aside)', (context) => {
    if (!version || !synth) return context.skip('cfn-lint is not on PATH');
    expect(lint(synth.template.toJSON()).map(describeFinding)).toEqual([]);
  });

  it('reports what it finds, so a clean run means a clean template', (context) => {
    if (!version) return context.skip('cfn-lint is not on PATH');
    const broken = {
      Resources: { Queue: { Type: 'AWS::SQS::Queue', Properties: { VisibilityTimeout: 'soon' } } },
    };
    const findings = lint(broken);
    expect(findings.map((finding) => finding.Level)).toContain('Error');
    expect(findings.map(describeFinding).join('\n')).toContain(
      'Resources/Queue/Properties/VisibilityTimeout',
    );
  });
});
