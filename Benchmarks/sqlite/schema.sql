-- The reference for `arcadence import`: tables of the same shape as the store's (the same
-- columns, declared types, primary keys and secondary indices), loaded by sqlite3's own
-- `.import` the way an expert bulk-loads a new SQLite file: no rollback journal and no
-- fsync while loading (journal_mode = OFF, synchronous = OFF: a new file has nothing to
-- protect; a crash means loading again), one transaction, the same 64 MiB page cache, the
-- secondary indices built after the rows are in, then WAL (the store's mode, import.sh).
-- Not included, because `.import` cannot satisfy them: the CHECK constraints (it stores an
-- empty field as '' rather than NULL) and the foreign keys. Nor does it parse or validate
-- anything: dates stay text. It is the floor for getting these files into SQLite.
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
PRAGMA cache_size = -65536;
CREATE TABLE reps (rep_id TEXT PRIMARY KEY, name TEXT, team TEXT, active INTEGER);
CREATE TABLE customers (customer_id TEXT PRIMARY KEY, name TEXT, segment TEXT, rep_id TEXT, payment_terms_days INTEGER, created_on INTEGER, autopay_enrolled_on INTEGER, autopay_cancelled_on INTEGER);
CREATE TABLE invoices (invoice_id TEXT PRIMARY KEY, customer_id TEXT, issued_on INTEGER, due_on INTEGER, amount INTEGER);
CREATE TABLE payments (payment_id TEXT PRIMARY KEY, customer_id TEXT, invoice_id TEXT, received_on INTEGER, amount INTEGER, method TEXT);
CREATE TABLE adjustments (adjustment_id TEXT PRIMARY KEY, invoice_id TEXT, posted_on INTEGER, amount INTEGER, kind TEXT);
CREATE TABLE activities (activity_id TEXT PRIMARY KEY, customer_id TEXT, invoice_id TEXT, rep_id TEXT, occurred_at INTEGER, channel TEXT, direction TEXT, outcome TEXT);
CREATE TABLE promises (promise_id TEXT PRIMARY KEY, customer_id TEXT, invoice_id TEXT, rep_id TEXT, made_on INTEGER, promised_on INTEGER, amount INTEGER);
CREATE TABLE cases (case_id TEXT PRIMARY KEY, customer_id TEXT, invoice_id TEXT, rep_id TEXT, opened_at INTEGER, closed_at INTEGER, origin TEXT, root_cause TEXT, escalated_at INTEGER, escalation_reason TEXT, summary TEXT, investigation TEXT, resolution TEXT, customer_confirmed INTEGER);
CREATE TABLE tasks (task_id TEXT PRIMARY KEY, rep_id TEXT, customer_id TEXT, invoice_id TEXT, kind TEXT, due_on INTEGER, completed_on INTEGER);
