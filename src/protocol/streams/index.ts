/**
 * Stream states of RFC 9113 §5.1 as a transition table, stream-id rules
 * (§5.1.1) and a bounded registry of recently closed streams.
 * @packageDocumentation
 */
export * from './stream-state';
export * from './stream-ids';
export * from './closed-streams';
