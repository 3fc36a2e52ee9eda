import { expect } from 'chai';
import { PassThrough } from 'node:stream';
import { UsageError } from '../../harness/model/errors.js';
import { checkTargets, createReporter, parseReporterArg, REPORTER_NAMES } from '../../harness/run/reporters.js';

describe('reporter selection (--reporter NAME[:FILE])', () => {
  it('parses a name alone (stdout) or NAME:FILE, keeping colons inside the file', () => {
    expect(parseReporterArg('json')).to.deep.equal({ name: 'json' });
    expect(parseReporterArg('junit:reports/out.xml')).to.deep.equal({ name: 'junit', file: 'reports/out.xml' });
    expect(parseReporterArg('json:C:\\ci\\r.json')).to.deep.equal({ name: 'json', file: 'C:\\ci\\r.json' });
    expect(parseReporterArg('./my-reporter.mjs:out/r.txt')).to.deep.equal({ name: './my-reporter.mjs', file: 'out/r.txt' });
    expect(parseReporterArg('/abs/reporter.js')).to.deep.equal({ name: '/abs/reporter.js' });
  });

  it('refuses unknown names and empty files with a message that lists the valid ones', () => {
    expect(() => parseReporterArg('xml')).to.throw(UsageError, /unknown reporter 'xml'.*console, json, junit, tap, github/);
    expect(() => parseReporterArg('json:')).to.throw(UsageError, /the file after ':' is empty/);
  });

  it('refuses two reporters on stdout, or two on one file', () => {
    expect(() => checkTargets([{ name: 'console' }, { name: 'json' }])).to.throw(UsageError, /console and json would both write to stdout/);
    expect(() => checkTargets([{ name: 'json', file: 'a' }, { name: 'junit', file: 'a' }])).to.not.throw(); // files: checkOutputPaths (test/cli/output-paths.test.ts)
    expect(() => checkTargets([{ name: 'console' }, { name: 'json', file: 'r.json' }])).to.not.throw();
  });

  it('creates every named reporter', () => {
    const stdout = new PassThrough();
    expect(REPORTER_NAMES.map((name) => createReporter({ name }, { stdout, env: {} }).name)).to.deep.equal([...REPORTER_NAMES]);
  });
});
