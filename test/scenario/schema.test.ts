/**
 * The scenario schema (generated from harness/model/scenario-format.ts): a description on every
 * property (editors show them), unknown keys refused everywhere, one message per union, and a
 * strict compile. That its enums and keys match the TypeScript model needs no test any more:
 * the types are derived from the same definitions.
 */
import { expect } from 'chai';
import { parseTimeSpec } from '../../ca/spec/time.js';
import { scenarioSchemaDocument } from '../../harness/scenario/schema/scenario-schema.js';
import { compileSchema } from '../../harness/scenario/schema/schema-compile.js';
import { inlineDefinitions } from '../../harness/scenario/schema/schema-inline.js';

type Node = Record<string, unknown>;
const schema = scenarioSchemaDocument() as Node;
const definitions = schema.definitions as Record<string, Node>;
const def = (name: string): Node => definitions[name]!;
const prop = (node: Node, name: string): Node => (node.properties as Record<string, Node>)[name]!;

/** every schema node, with a readable location */
function* walk(node: unknown, at = '#'): Generator<[Node, string]> {
  if (Array.isArray(node)) {
    for (const [i, item] of node.entries()) yield* walk(item, `${at}/${i}`);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  yield [node as Node, at];
  for (const [key, value] of Object.entries(node)) {
    if (key === 'enum' || key === 'const' || key === 'discriminator') continue;
    if (key === 'properties' || key === 'definitions') {
      for (const [name, s] of Object.entries(value as Node)) yield* walk(s, `${at}/${key}/${name}`);
    } else {
      yield* walk(value, `${at}/${key}`);
    }
  }
}

describe('schema/scenario.schema.json', function () {
  // ajv compiles the whole format (about 150 ms alone; far more on a loaded machine)
  this.timeout(20_000);

  it('every property has a description, and every object with properties refuses unknown keys', () => {
    for (const [node, at] of walk(schema)) {
      if (node.properties === undefined) continue;
      expect(node.additionalProperties, `${at}: additionalProperties`).to.equal(false);
      for (const [name, property] of Object.entries(node.properties as Record<string, Node>)) {
        expect(property.description, `${at}/properties/${name}: description`).to.be.a('string').and.not.equal('');
      }
    }
    const files = prop(def('pki'), 'files');
    expect(files.propertyNames, 'pki.files ids').to.deep.equal({ $ref: '#/definitions/certId' });
    expect(files.additionalProperties).to.include({ $ref: '#/definitions/pemFile' });
  });

  it('every union says in one message what it wants (errorMessage), unless a discriminator picks the branch', () => {
    for (const [node, at] of walk(schema)) {
      if ((node.anyOf || node.oneOf) && !node.discriminator) expect(node.errorMessage, at).to.be.a('string');
    }
  });

  it('compiles in ajv strict mode without a warning, inlined or not', () => {
    const warnings: unknown[] = [];
    const original = console.warn;
    console.warn = (...args: unknown[]) => { warnings.push(args); };
    try {
      compileSchema(schema);
    } finally {
      console.warn = original;
    }
    expect(warnings).to.deep.equal([]);
    expect(JSON.stringify(inlineDefinitions(schema as never))).to.not.include('$ref');
  });

  it('inlining keeps a $ref\'s own description and refuses recursion', () => {
    const inlined = inlineDefinitions({ definitions: { a: { type: 'string', description: 'A' } }, properties: { x: { $ref: '#/definitions/a', description: 'mine' }, y: { $ref: '#/definitions/a' } } });
    expect(inlined).to.deep.equal({ properties: { x: { type: 'string', description: 'mine' }, y: { type: 'string', description: 'A' } } });
    expect(() => inlineDefinitions({ definitions: { a: { items: { $ref: '#/definitions/a' } } }, properties: { x: { $ref: '#/definitions/a' } } })).to.throw(/recursive/);
  });

  it('the time spec pattern accepts exactly the shapes parseTimeSpec accepts', () => {
    const pattern = new RegExp(def('timeSpec').pattern as string, 'u');
    const samples = [
      'now', '-1d', '+90d', '+1h', '-30m', '+10s', '+2w', '+1y', '+999999d', '2030-01-01', '2030-01-01T00:00Z',
      '2030-01-01T00:00:00Z', '2030-01-01T00:00:00.123+02:00', '+1000000d', '90d', '+90days', 'soon', 'Now',
      '2030-1-1', '2030-01-01T00:00:00', '2030-01-01 00:00:00Z', '',
    ];
    for (const s of samples) expect(pattern.test(s), s).to.equal(parseTimeSpec(s) !== undefined);
  });
});
