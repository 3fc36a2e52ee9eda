import type { LibraryClient } from '../library-driver.js';
export const client: LibraryClient = { connect: () => Promise.reject(new Error('not yet')) };
