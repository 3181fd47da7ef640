export * from './run-ledger';
