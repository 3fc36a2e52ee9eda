/**
 * schema/scenario.schema.json against the TypeScript model: the same closed sets, the same
 * keys, a description on every property (editors show them), unknown keys refused everywhere.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { parseTimeSpec } from '../../ca/time.js';
import {
  CERT_ROLES, KEY_ALGORITHMS, REVOCATION_REASONS, SIGNATURE_HASHES,
  type BasicConstraintsSpec, type BrokenSpec, type CertSpec, type GeneralSubtreesSpec, type NameConstraintsSpec,
  type ResponderSpec, type RevocationSpec, type SubjectAltNameSpec, type ValiditySpec,
} from '../../ca/spec.js';
import {
  CATEGORIES, type ClientEnd, type ClientEnvironment, type ClientRevocation, type Expectation, type FaultSpec, type PeerExpectation,
  type PemFileRef, type ScenarioStep, type ServerEnd,
} from '../../harness/model.js';
import { schemaPath } from '../../harness/paths.js';
import * as E from '../../harness/scenario/enums.js';
import type { DefaultsInput, PkiInput, ScenarioFileInput, ScenarioInput } from '../../harness/scenario/input.js';
import { compileSchema } from '../../harness/scenario/schema-check.js';
import { inlineDefinitions } from '../../harness/scenario/schema-inline.js';

type Node = Record<string, unknown>;
const schema = JSON.parse(readFileSync(schemaPath(), 'utf8')) as Node;
const definitions = schema.definitions as Record<string, Node>;
const def = (name: string): Node => definitions[name]!;
const prop = (node: Node, name: string): Node => (node.properties as Record<string, Node>)[name]!;
const itemsOf = (node: Node): Node => node.items as Node;

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

// Compile-time: each list names every key of its interface (a key added to the model and not to
// the list fails `tsc`), and the schema test below checks the schema's properties equal the list.
type NoneMissing<T extends never> = T;
const keyList = <T>() => <const K extends ReadonlyArray<keyof T>>(...keys: K): K => keys;
const MODEL_KEYS = {
  root: keyList<ScenarioFileInput>()('pki', 'defaults', 'scenarios'),
  pki: keyList<PkiInput>()('certs', 'revoked', 'responders', 'files'),
  defaults: keyList<DefaultsInput>()('tags', 'server', 'client', 'timeoutMs'),
  scenario: keyList<ScenarioInput>()('name', 'description', 'tags', 'server', 'client', 'expect', 'then', 'faults', 'timeoutMs', 'skip'),
  serverEnd: keyList<ServerEnd>()('driver', 'cert', 'chain', 'key', 'minVersion', 'maxVersion', 'ciphers', 'ecdhCurve', 'alpn', 'clientCert', 'clientCa', 'crl', 'authorizeSpiffeIds', 'staple'),
  clientEnd: keyList<ClientEnd>()('driver', 'trust', 'servername', 'connect', 'identity', 'identityFormat', 'minVersion', 'maxVersion', 'ciphers', 'ecdhCurve', 'alpn', 'allowPartialTrustChain', 'revocation', 'environment'),
  clientEnvironment: keyList<ClientEnvironment>()('extraCaCerts', 'sslCertFile', 'opensslSecurityLevel', 'nodeFlags'),
  clientRevocation: keyList<ClientRevocation>()('mode', 'failure', 'timeoutMs', 'clockSkewSec', 'nonce'),
  expectation: keyList<Expectation>()('outcome', 'code', 'category', 'side', 'message', 'protocol', 'cipher', 'group', 'alpn', 'peer', 'clientCert', 'revocationChecked'),
  peer: keyList<PeerExpectation>()('subject', 'san', 'spiffeId'),
  step: keyList<ScenarioStep>()('revoke', 'unrevoke', 'resume', 'expect'),
  faultSpec: keyList<FaultSpec>()('server', 'ca', 'cert', 'fault'),
  pemFile: keyList<PemFileRef>()('cert', 'key'),
  certSpec: keyList<CertSpec>()('id', 'role', 'issuer', 'subject', 'key', 'keyFrom', 'signature', 'validity', 'serial', 'basicConstraints', 'keyUsage', 'extKeyUsage', 'san', 'nameConstraints', 'crlDistributionPoints', 'ocsp', 'caIssuers', 'policies', 'mustStaple', 'ocspNoCheck', 'broken'),
  validity: keyList<ValiditySpec>()('notBefore', 'notAfter'),
  basicConstraints: keyList<BasicConstraintsSpec>()('ca', 'pathLen', 'critical'),
  subtrees: keyList<SubjectAltNameSpec & GeneralSubtreesSpec>()('dns', 'ip', 'uri', 'email'),
  nameConstraints: keyList<NameConstraintsSpec>()('permitted', 'excluded', 'critical'),
  broken: keyList<BrokenSpec>()('badSignature', 'wrongIssuerName', 'unknownCriticalExtension', 'omitBasicConstraints', 'omitKeyIdentifiers'),
  revocationSpec: keyList<RevocationSpec>()('cert', 'reason', 'time', 'invalidityDate'),
  responderSpec: keyList<ResponderSpec>()('ca', 'signer', 'includeCerts', 'responderId', 'validity'),
};
type Missing<T, K extends keyof typeof MODEL_KEYS> = Exclude<keyof T, (typeof MODEL_KEYS)[K][number]>;
export type ModelKeysComplete = [
  NoneMissing<Missing<ScenarioFileInput, 'root'>>, NoneMissing<Missing<PkiInput, 'pki'>>, NoneMissing<Missing<DefaultsInput, 'defaults'>>,
  NoneMissing<Missing<ScenarioInput, 'scenario'>>, NoneMissing<Missing<ServerEnd, 'serverEnd'>>, NoneMissing<Missing<ClientEnd, 'clientEnd'>>, NoneMissing<Missing<ClientEnvironment, 'clientEnvironment'>>,
  NoneMissing<Missing<ClientRevocation, 'clientRevocation'>>, NoneMissing<Missing<Expectation, 'expectation'>>, NoneMissing<Missing<PeerExpectation, 'peer'>>,
  NoneMissing<Missing<ScenarioStep, 'step'>>, NoneMissing<Missing<FaultSpec, 'faultSpec'>>, NoneMissing<Missing<PemFileRef, 'pemFile'>>,
  NoneMissing<Missing<CertSpec, 'certSpec'>>, NoneMissing<Missing<ValiditySpec, 'validity'>>, NoneMissing<Missing<BasicConstraintsSpec, 'basicConstraints'>>,
  NoneMissing<Missing<SubjectAltNameSpec & GeneralSubtreesSpec, 'subtrees'>>, NoneMissing<Missing<NameConstraintsSpec, 'nameConstraints'>>,
  NoneMissing<Missing<BrokenSpec, 'broken'>>, NoneMissing<Missing<RevocationSpec, 'revocationSpec'>>,
  NoneMissing<Missing<ResponderSpec, 'responderSpec'>>,
];

describe('schema/scenario.schema.json', () => {
  it('every closed set equals its TypeScript array', () => {
    const certSpec = def('certSpec');
    const fault = def('fault');
    const branches = fault.oneOf as Node[];
    const pairs: Array<[string, unknown, readonly unknown[]]> = [
      ['key algorithms', prop(certSpec, 'key').enum, KEY_ALGORITHMS],
      ['signature hashes', prop(certSpec, 'signature').enum, SIGNATURE_HASHES],
      ['cert roles', prop(certSpec, 'role').enum, CERT_ROLES],
      ['key usages', itemsOf(prop(certSpec, 'keyUsage')).enum, E.KEY_USAGES],
      ['extended key usages', itemsOf(prop(certSpec, 'extKeyUsage')).enum, E.EXT_KEY_USAGES],
      ['revocation reasons', prop(def('revocationSpec'), 'reason').enum, REVOCATION_REASONS],
      ['categories', prop(def('expectation'), 'category').enum, CATEGORIES],
      ['outcomes', prop(def('expectation'), 'outcome').enum, E.OUTCOMES],
      ['sides', prop(def('expectation'), 'side').enum, E.SIDES],
      ['revocation sources', itemsOf(prop(def('expectation'), 'revocationChecked')).enum, E.REVOCATION_SOURCES],
      ['TLS versions', def('tlsVersion').enum, E.TLS_VERSIONS],
      ['client cert policies', prop(def('serverEnd'), 'clientCert').enum, E.CLIENT_CERT_POLICIES],
      ['staple modes', prop(def('serverEnd'), 'staple').enum, E.STAPLE_MODES],
      ['connect addresses', prop(def('clientEnd'), 'connect').enum, E.CONNECT_ADDRESSES],
      ['identity formats', prop(def('clientEnd'), 'identityFormat').enum, E.IDENTITY_FORMATS],
      ['revocation modes', prop(def('clientRevocation'), 'mode').enum, E.REVOCATION_MODES],
      ['failure policies', prop(def('clientRevocation'), 'failure').enum, E.FAILURE_POLICIES],
      ['revocation servers', prop(def('faultSpec'), 'server').enum, E.REVOCATION_SERVERS],
      ['node TLS flags', itemsOf(prop(def('clientEnvironment'), 'nodeFlags')).enum, E.NODE_TLS_FLAGS],
      ['responder ids', prop(def('responderSpec'), 'responderId').enum, E.RESPONDER_IDS],
      ['fault kinds', branches.map((b) => prop(b, 'kind').const), E.FAULT_KINDS],
      ['OCSP error statuses', prop(branches.find((b) => prop(b, 'kind').const === 'ocsp-status')!, 'status').enum, E.OCSP_ERROR_STATUSES],
    ];
    for (const [name, inSchema, inTypeScript] of pairs) expect(inSchema, name).to.deep.equal([...inTypeScript]);
    const enumsInSchema = [...walk(schema)].filter(([node]) => node.enum !== undefined).length;
    expect(enumsInSchema, 'an enum in the schema that this test does not compare').to.equal(pairs.length - 1);
  });

  it('every object lists the keys of its TypeScript interface, no more, no fewer', () => {
    const objects: Record<keyof typeof MODEL_KEYS, Node> = {
      root: schema, pki: def('pki'), defaults: def('defaults'), scenario: def('scenario'), serverEnd: def('serverEnd'),
      clientEnd: def('clientEnd'), clientEnvironment: def('clientEnvironment'), clientRevocation: def('clientRevocation'), expectation: def('expectation'),
      peer: prop(def('expectation'), 'peer'), step: def('step'), faultSpec: def('faultSpec'), pemFile: def('pemFile'),
      certSpec: def('certSpec'), validity: prop(def('certSpec'), 'validity'), basicConstraints: prop(def('certSpec'), 'basicConstraints'),
      subtrees: def('subtrees'), nameConstraints: prop(def('certSpec'), 'nameConstraints'), broken: prop(def('certSpec'), 'broken'),
      revocationSpec: def('revocationSpec'), responderSpec: def('responderSpec'),
    };
    for (const [name, node] of Object.entries(objects)) {
      expect(Object.keys(node.properties as Node).sort(), name).to.deep.equal([...MODEL_KEYS[name as keyof typeof MODEL_KEYS]].sort());
    }
  });

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
