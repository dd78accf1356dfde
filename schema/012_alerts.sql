-- SPDX-License-Identifier: MIT
-- 012: alerts (lib/alert.h, lib/notify.h).
--
-- A widget with an alert rule (options.alert) has its level (ok, warning,
-- danger, stale, error: what its page shows first) kept in alert_level by
-- whatever stores its data; each change of level is logged in
-- alert_changes in the same transaction. The updater reads the log in
-- order, keeps each widget's episode in alert_state (when it entered its
-- level, whether that was notified), decides what to send, and queues it
-- in alert_outbox, all in one transaction; then it delivers the outbox
-- with retries. Nothing is lost across restarts.
ALTER TABLE widgets ADD COLUMN IF NOT EXISTS alert_level VARCHAR(8) NULL;

CREATE TABLE IF NOT EXISTS alert_changes (
  id         BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  widget_id  INT UNSIGNED NOT NULL,
  level      VARCHAR(8) NOT NULL,
  value      TEXT NULL,
  at         DATETIME(3) NOT NULL,
  KEY alert_changes_widget (widget_id, id),
  CONSTRAINT alert_changes_widget_fk FOREIGN KEY (widget_id) REFERENCES widgets (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS alert_state (
  widget_id  INT UNSIGNED NOT NULL PRIMARY KEY,
  level      VARCHAR(8) NOT NULL,
  since      DATETIME(3) NOT NULL,
  previous   VARCHAR(8) NOT NULL,
  value      TEXT NULL,
  notified   TINYINT(1) NOT NULL DEFAULT 0,
  open       TINYINT(1) NOT NULL DEFAULT 0,
  sent_at    DATETIME(3) NULL,
  due_at     DATETIME(3) NULL,
  KEY alert_state_due (due_at),
  CONSTRAINT alert_state_widget_fk FOREIGN KEY (widget_id) REFERENCES widgets (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One message for one notifier. body is the JSON payload; the notifier's
-- format is applied when it is sent. idempotency_key goes with every
-- attempt, so that a receiver can drop a message it already has.
-- failed_at is set when retries gave up.
CREATE TABLE IF NOT EXISTS alert_outbox (
  id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  notifier        VARCHAR(64) NOT NULL,
  widget          VARCHAR(64) NOT NULL,
  state           VARCHAR(8) NOT NULL,
  idempotency_key CHAR(32) NOT NULL,
  body            TEXT NOT NULL,
  created_at      DATETIME(3) NOT NULL,
  attempts        INT UNSIGNED NOT NULL DEFAULT 0,
  next_at         DATETIME(3) NOT NULL,
  last_error      TEXT NULL,
  failed_at       DATETIME(3) NULL,
  KEY alert_outbox_due (failed_at, next_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
