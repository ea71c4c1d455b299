export * from './rules.js';
export * from './window.js';
export * from './labels.js';
export * from './protocol.js';
export * from './frames.js';
export * from './roster.js';
export * from './time.js';
export * from './rooms.js';
