/**
 * `bukejian/testing`: fast-check arbitraries for synthetic citizens (checksum-valid and
 * deliberately invalid identifiers, names, addresses, whole policy-shaped records) for users'
 * own property-based suites. Requires `fast-check` (an optional peer dependency); nothing else
 * in the package loads it.
 * @example
 * import fc from 'fast-check'
 * import { idCardArb } from 'bukejian/testing'
 * fc.assert(fc.property(idCardArb({ areas: ['110101'] }), (id) => myService.accepts(id)))
 * @module
 */
export * from './mask/testing.js';
