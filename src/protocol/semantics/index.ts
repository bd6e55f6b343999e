/**
 * RFC 9113 §8 checks on received messages: field name and value characters,
 * pseudo-headers, connection-specific fields, content-length, CONNECT.
 * @packageDocumentation
 */
export * from './field-validity';
export * from './field-value';
export * from './header-list';
export * from './outgoing-fields';
