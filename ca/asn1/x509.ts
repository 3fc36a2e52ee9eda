/**
 * @peculiar/x509, loaded after the reflect polyfill it needs (it throws at import otherwise:
 * "tsyringe requires a reflect polyfill"). Import x509 from here, never directly.
 */
import 'reflect-metadata';

export * from '@peculiar/x509';
