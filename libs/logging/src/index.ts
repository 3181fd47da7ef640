export * from './logger';
export * from './redaction';
export * from './refusal-log';
export * from './rotating-file';
