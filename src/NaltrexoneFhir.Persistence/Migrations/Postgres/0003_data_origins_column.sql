-- Data origins move from one hook_call_data row per data key (about 11 of the ~15 rows written per hook call) to
-- one JSON column of hook_call: [{"key":"liverLabs","origin":"prefetch","state":"provided"}, ...] (DataOriginsJson;
-- text, query it as data_origins::jsonb). Idempotent: safe to run twice.
ALTER TABLE hook_call ADD COLUMN IF NOT EXISTS data_origins text NOT NULL DEFAULT '[]';
DO $$
BEGIN
    IF to_regclass('hook_call_data') IS NOT NULL THEN
        UPDATE hook_call h SET data_origins = d.origins
        FROM (SELECT hook_call_id,
                     json_agg(json_build_object('key', data_key, 'origin', origin, 'state', state) ORDER BY data_key)::text AS origins
              FROM hook_call_data GROUP BY hook_call_id) AS d
        WHERE d.hook_call_id = h.id;
        DROP TABLE hook_call_data;
    END IF;
END $$;
