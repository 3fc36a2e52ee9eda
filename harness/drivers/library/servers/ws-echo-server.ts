import type { ServerDriver } from '../../portable/types.js';
export const wsEchoServer: ServerDriver = { name: 'ws-echo-server', listen: () => Promise.reject(new Error('not yet')) };
