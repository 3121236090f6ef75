export { POSTGRES_MIGRATIONS, applyPostgresMigrations, type PostgresMigration } from './postgres-migrations.js';
export { PostgresStore, type PostgresStoreOptions } from './postgres-store.js';
