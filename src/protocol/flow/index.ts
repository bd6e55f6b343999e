/**
 * Flow control (RFC 9113 §5.2, §6.9): send and receive windows for streams and
 * the connection, and the DATA frame sizing rule.
 * @packageDocumentation
 */
export * from './send-window';
export * from './recv-window';
export * from './data-scheduler';
