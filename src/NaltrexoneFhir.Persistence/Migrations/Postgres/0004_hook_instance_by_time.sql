-- Lookups by hook instance come with a time (an EHR's log line, a support ticket), so the instance is indexed behind
-- the call's time instead of on its own: one index serves time ranges and "this instance around then", and every
-- insert lands at its end. The index on the instance alone took each call's random uuid (the EHR's) to a random leaf
-- page, which the audit writer paid on every call (BENCHMARKS.md, session 20). Idempotent: safe to run twice.
-- Building the index on a large existing table blocks inserts meanwhile: the audit queue holds them (Audit:QueueCapacity).
CREATE INDEX IF NOT EXISTS ix_hook_call_received_at_instance ON hook_call (received_at, hook_instance);
DROP INDEX IF EXISTS ix_hook_call_hook_instance;
DROP INDEX IF EXISTS ix_hook_call_received_at;
