/**
 * `when: { library: { axios: '<1.17' } }`: a stack selector on the version of the npm library a
 * library driver (or the undici driver) ran, as that driver reported it (its clientVersion), so
 * a scenario can declare a behaviour that depends on the library's release.
 */
import Type from 'typebox';
import { named } from '../../../ca/spec/json-schema.js';

export const LibraryVersionsSchema = named('libraryVersions', Type.Record(Type.String(), Type.String(), {
  description: 'npm package name -> a semver range of the version the scenario\'s client driver ran, e.g. `{ axios: ">=1.16.1 <1.20" }` or `{ "@grpc/grpc-js": "^1.10" }`: the version the driver reports (its clientVersion), so `tlsgate matrix --package` judges each version by its own. A package the driver did not run never matches.',
  minProperties: 1,
}));
