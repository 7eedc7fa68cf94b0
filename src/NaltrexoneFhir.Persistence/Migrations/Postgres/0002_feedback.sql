-- Feedback (CDS Hooks 2.0 §feedback). id is the entry's natural key (FeedbackKey): posting the same entry twice
-- stores it once (INSERT ... ON CONFLICT (id) DO NOTHING). card_known = false flags feedback for a card not on record.
CREATE TABLE IF NOT EXISTS feedback (
    id             text        NOT NULL PRIMARY KEY,
    service_id     text        NOT NULL,
    card_uuid      text        NOT NULL,
    card_known     boolean     NOT NULL,
    outcome        text        NOT NULL CHECK (outcome IN ('accepted', 'overridden')),
    outcome_at     timestamptz NOT NULL,
    reason_system  text        NULL,
    reason_code    text        NULL,
    reason_display text        NULL,
    user_comment   text        NULL,
    received_at    timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_feedback_card ON feedback (card_uuid);
CREATE INDEX IF NOT EXISTS ix_feedback_outcome_at ON feedback (outcome_at);
CREATE INDEX IF NOT EXISTS ix_feedback_unknown ON feedback (card_known) WHERE NOT card_known;

CREATE TABLE IF NOT EXISTS feedback_suggestion (
    feedback_id     text NOT NULL REFERENCES feedback (id) ON DELETE CASCADE,
    suggestion_uuid text NOT NULL,
    PRIMARY KEY (feedback_id, suggestion_uuid)
);
CREATE INDEX IF NOT EXISTS ix_feedback_suggestion_uuid ON feedback_suggestion (suggestion_uuid);
