-- Audit trail: one row per hook call, the data keys it used, the cards and suggestions it returned.
-- Idempotent: safe to run twice.
CREATE TABLE IF NOT EXISTS hook_call (
    id            uuid             NOT NULL PRIMARY KEY,
    received_at   timestamptz      NOT NULL,
    iso_week      text             NOT NULL,
    service_id    text             NOT NULL,
    hook          text             NOT NULL,
    hook_instance text             NULL,
    issuer        text             NULL,
    tenant        text             NULL,
    patient_hash  text             NULL,
    status_code   integer          NOT NULL,
    latency_ms    double precision NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_hook_call_received_at ON hook_call (received_at);
CREATE INDEX IF NOT EXISTS ix_hook_call_hook_instance ON hook_call (hook_instance);
CREATE INDEX IF NOT EXISTS ix_hook_call_patient_hash ON hook_call (patient_hash);

CREATE TABLE IF NOT EXISTS hook_call_data (
    hook_call_id uuid NOT NULL REFERENCES hook_call (id) ON DELETE CASCADE,
    data_key     text NOT NULL,
    origin       text NOT NULL,
    state        text NOT NULL,
    PRIMARY KEY (hook_call_id, data_key)
);

CREATE TABLE IF NOT EXISTS issued_card (
    card_uuid        text        NOT NULL PRIMARY KEY,
    hook_call_id     uuid        NOT NULL REFERENCES hook_call (id) ON DELETE CASCADE,
    service_id       text        NOT NULL,
    concern          text        NOT NULL,
    indicator        text        NOT NULL,
    issued_at        timestamptz NOT NULL,
    iso_week         text        NOT NULL,
    suggestion_count integer     NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_issued_card_hook_call ON issued_card (hook_call_id);
CREATE INDEX IF NOT EXISTS ix_issued_card_concern_week ON issued_card (concern, iso_week);
CREATE INDEX IF NOT EXISTS ix_issued_card_issued_at ON issued_card (issued_at);

CREATE TABLE IF NOT EXISTS issued_suggestion (
    suggestion_uuid text NOT NULL PRIMARY KEY,
    card_uuid       text NOT NULL REFERENCES issued_card (card_uuid) ON DELETE CASCADE,
    kind            text NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_issued_suggestion_card ON issued_suggestion (card_uuid);
