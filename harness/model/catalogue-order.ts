/**
 * The catalogue's one order, used by every listing, run, shard, merge and report: file (code
 * units, not locale order: the same on every machine), then line, then column, then id. Two
 * scenarios can share a line (a YAML flow sequence); a result read back from a JSON report has no
 * column, and the id (unique in a run) still orders it the same way on every run.
 */
import type { Scenario } from './domain.js';

export type CatalogueSpot = Pick<Scenario, 'file' | 'line'> & Partial<Pick<Scenario, 'column' | 'id'>>;

export function catalogueOrder(a: CatalogueSpot, b: CatalogueSpot): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  if (a.line !== b.line) return a.line - b.line;
  if (a.column !== undefined && b.column !== undefined && a.column !== b.column) return a.column - b.column;
  if (a.id === b.id || a.id === undefined || b.id === undefined) return 0;
  return a.id < b.id ? -1 : 1;
}
