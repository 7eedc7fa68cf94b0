-- Audit trail: one row per hook call, the data keys it used, the cards and suggestions it returned.
-- Times are ISO 8601 UTC text of fixed width (see SqliteTime). Idempotent: safe to run twice.
CREATE TABLE IF NOT EXISTS hook_call (
    id            TEXT    NOT NULL PRIMARY KEY,
    received_at   TEXT    NOT NULL,
    iso_week      TEXT    NOT NULL,
    service_id    TEXT    NOT NULL,
    hook          TEXT    NOT NULL,
    hook_instance TEXT    NULL,
    issuer        TEXT    NULL,
    tenant        TEXT    NULL,
    patient_hash  TEXT    NULL,
    status_code   INTEGER NOT NULL,
    latency_ms    REAL    NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_hook_call_received_at ON hook_call (received_at);
CREATE INDEX IF NOT EXISTS ix_hook_call_hook_instance ON hook_call (hook_instance);
CREATE INDEX IF NOT EXISTS ix_hook_call_patient_hash ON hook_call (patient_hash);

CREATE TABLE IF NOT EXISTS hook_call_data (
    hook_call_id TEXT NOT NULL REFERENCES hook_call (id) ON DELETE CASCADE,
    data_key     TEXT NOT NULL,
    origin       TEXT NOT NULL,
    state        TEXT NOT NULL,
    PRIMARY KEY (hook_call_id, data_key)
);

CREATE TABLE IF NOT EXISTS issued_card (
    card_uuid        TEXT    NOT NULL PRIMARY KEY,
    hook_call_id     TEXT    NOT NULL REFERENCES hook_call (id) ON DELETE CASCADE,
    service_id       TEXT    NOT NULL,
    concern          TEXT    NOT NULL,
    indicator        TEXT    NOT NULL,
    issued_at        TEXT    NOT NULL,
    iso_week         TEXT    NOT NULL,
    suggestion_count INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_issued_card_hook_call ON issued_card (hook_call_id);
CREATE INDEX IF NOT EXISTS ix_issued_card_concern_week ON issued_card (concern, iso_week);
CREATE INDEX IF NOT EXISTS ix_issued_card_issued_at ON issued_card (issued_at);

CREATE TABLE IF NOT EXISTS issued_suggestion (
    suggestion_uuid TEXT NOT NULL PRIMARY KEY,
    card_uuid       TEXT NOT NULL REFERENCES issued_card (card_uuid) ON DELETE CASCADE,
    kind            TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_issued_suggestion_card ON issued_suggestion (card_uuid);
