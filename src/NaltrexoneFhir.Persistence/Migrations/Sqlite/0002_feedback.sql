-- Feedback (CDS Hooks 2.0 §feedback). id is the entry's natural key (FeedbackKey): posting the same entry twice
-- stores it once (INSERT ... ON CONFLICT (id) DO NOTHING). card_known = 0 flags feedback for a card not on record.
CREATE TABLE IF NOT EXISTS feedback (
    id             TEXT    NOT NULL PRIMARY KEY,
    service_id     TEXT    NOT NULL,
    card_uuid      TEXT    NOT NULL,
    card_known     INTEGER NOT NULL,
    outcome        TEXT    NOT NULL CHECK (outcome IN ('accepted', 'overridden')),
    outcome_at     TEXT    NOT NULL,
    reason_system  TEXT    NULL,
    reason_code    TEXT    NULL,
    reason_display TEXT    NULL,
    user_comment   TEXT    NULL,
    received_at    TEXT    NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_feedback_card ON feedback (card_uuid);
CREATE INDEX IF NOT EXISTS ix_feedback_outcome_at ON feedback (outcome_at);
CREATE INDEX IF NOT EXISTS ix_feedback_unknown ON feedback (card_known) WHERE card_known = 0;

CREATE TABLE IF NOT EXISTS feedback_suggestion (
    feedback_id     TEXT NOT NULL REFERENCES feedback (id) ON DELETE CASCADE,
    suggestion_uuid TEXT NOT NULL,
    PRIMARY KEY (feedback_id, suggestion_uuid)
);
CREATE INDEX IF NOT EXISTS ix_feedback_suggestion_uuid ON feedback_suggestion (suggestion_uuid);
