/**
 * The lint as JUnit XML: one <testsuite> per file, one <testcase> per certificate (CI test
 * views list each certificate), failed when it has a finding at or above --fail-on (every
 * finding in the failure's text); findings below it are printed in <system-out>.
 */
import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import { collapseLineBreaks } from '../../reporters/format.js';
import { certLabel, failsAt, type LintedFile, type LintFinding, type LintReport } from '../findings.js';
import { lintCounts } from './summary.js';

export function renderLintJunit(report: LintReport): string {
  const doc = create({ version: '1.0', encoding: 'UTF-8', invalidCharReplacement: '\uFFFD' });
  const suites = report.files.map((file) => ({ file, cases: casesOf(report, file) }));
  const failing = (c: CaseFindings) => c.findings.some((f) => failsAt(f, report.failOn));
  const root = doc.ele('testsuites', {
    name: 'tlsgate lint',
    tests: String(lintCounts(report).certificates),
    failures: String(suites.reduce((n, s) => n + s.cases.filter(failing).length, 0)),
    errors: '0',
  });
  for (const { file, cases } of suites) {
    const suite = root.ele('testsuite', {
      name: file.file, tests: String(cases.length), failures: String(cases.filter(failing).length), errors: '0', skipped: '0',
      timestamp: report.at.toISOString().slice(0, 19), file: file.file,
    });
    for (const c of cases) addCase(suite, file.file, c, report);
  }
  return doc.end({ prettyPrint: true }) + '\n';
}

interface CaseFindings {
  name: string;
  line?: number;
  findings: LintFinding[];
}

/** one case per certificate of the file, in file order (clean ones too: they passed) */
function casesOf(report: LintReport, file: LintedFile): CaseFindings[] {
  const ofFile = report.findings.filter((f) => f.file === file.file);
  return file.certificates.map((cert) => ({
    name: `#${cert.index} ${certLabel(cert)}`,
    ...(cert.line !== undefined ? { line: cert.line } : {}),
    findings: ofFile.filter((f) => f.cert?.index === cert.index),
  }));
}

const findingText = (f: LintFinding): string => `${f.severity} ${f.rule}: ${f.message} (fix: ${f.fix})`;

function addCase(suite: XMLBuilder, file: string, c: CaseFindings, report: LintReport): void {
  const testcase = suite.ele('testcase', { classname: file, name: c.name, file, ...(c.line !== undefined ? { line: String(c.line) } : {}), time: '0' });
  const failing = c.findings.filter((f) => failsAt(f, report.failOn));
  if (failing.length) {
    testcase.ele('failure', { message: collapseLineBreaks(`${failing[0]!.rule}: ${failing[0]!.message}`), type: failing[0]!.rule })
      .txt(c.findings.map(findingText).join('\n'));
  } else if (c.findings.length) {
    testcase.ele('system-out').txt(c.findings.map(findingText).join('\n'));
  }
}
