/**
 * The shapes a scenario file has once it passed the schema: what the YAML says, before defaults
 * are merged in (partial ends, `code` as a string or a list). harness/model.ts holds the result.
 */
import type { CertSpec, ResponderSpec, RevocationSpec } from '../../ca/spec.js';
import type { ClientEnd, Expectation, FaultSpec, PemFileRef, ScenarioStep, ServerEnd } from '../model.js';

export interface ScenarioFileInput {
  pki?: PkiInput;
  defaults?: DefaultsInput;
  scenarios: ScenarioInput[];
}

export interface PkiInput {
  certs?: CertSpec[];
  revoked?: RevocationSpec[];
  responders?: ResponderSpec[];
  /** paths relative to the scenario file */
  files?: Record<string, PemFileRef>;
}

export interface DefaultsInput {
  tags?: string[];
  server?: Partial<ServerEnd>;
  client?: Partial<ClientEnd>;
  timeoutMs?: number;
}

export type ExpectationInput = Omit<Expectation, 'code'> & { code?: string | string[] };

export type StepInput = Omit<ScenarioStep, 'expect'> & { expect: ExpectationInput };

export interface ScenarioInput {
  name: string;
  description?: string;
  tags?: string[];
  server?: Partial<ServerEnd>;
  client?: Partial<ClientEnd>;
  expect: ExpectationInput;
  then?: StepInput[];
  faults?: FaultSpec[];
  timeoutMs?: number;
  skip?: string;
}
