-- once-only: SQLite has no ADD COLUMN IF NOT EXISTS; schema_version runs this script exactly once, in one transaction.
-- Data origins move from one hook_call_data row per data key (about 11 of the ~15 rows written per hook call) to
-- one JSON column of hook_call: [{"key":"liverLabs","origin":"prefetch","state":"provided"}, ...] (DataOriginsJson).
ALTER TABLE hook_call ADD COLUMN data_origins TEXT NOT NULL DEFAULT '[]';
UPDATE hook_call SET data_origins = (
    SELECT json_group_array(json_object('key', d.data_key, 'origin', d.origin, 'state', d.state))
    FROM (SELECT data_key, origin, state FROM hook_call_data WHERE hook_call_id = hook_call.id ORDER BY data_key) AS d)
WHERE EXISTS (SELECT 1 FROM hook_call_data WHERE hook_call_id = hook_call.id);
DROP TABLE hook_call_data;
