export * from './rules.js';
export * from './labels.js';
export * from './protocol.js';
export * from './time.js';
