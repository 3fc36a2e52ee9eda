/** Oracle server driver: real Exim with implicit TLS (`tls_on_connect_ports`); see real-exim.ts. */
export { realEximTls as default } from './real-exim.js';
