/** the parts of a stack a version range can select on (a plain value: validation reads it without loading TypeBox) */
export const STACK_COMPONENTS = ['node', 'openssl', 'undici'] as const;
