import { serveSqliteJobs } from '../state/serve-sqlite-jobs.js';
import { LEDGER_JOB, openLedgerJob } from '../state/sqlite-ledger-job.js';
import { DECISION_JOB, openDecisionJob } from '../telemetry/sqlite-decision-job.js';

/*
 * The gateway's SQLite writer thread (see SqliteJobThread): the ledger's batches and the decision
 * log's records, each on a connection of its own, in one thread. It lives here because it loads
 * a job from state and one from telemetry, which do not import each other.
 */
serveSqliteJobs({ [LEDGER_JOB]: openLedgerJob, [DECISION_JOB]: openDecisionJob });
