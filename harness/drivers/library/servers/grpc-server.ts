import type { ServerDriver } from '../../portable/types.js';
export const grpcServer: ServerDriver = { name: 'grpc-server', listen: () => Promise.reject(new Error('not yet')) };
