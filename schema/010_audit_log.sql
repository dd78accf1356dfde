-- SPDX-License-Identifier: MIT
-- 010: the audit log: every change an administrator makes (from the
-- browser, the API or the CLI): who, from where, what, the thing changed,
-- how it was before and after, and when. Pruned by Audit.MaxAge.
CREATE TABLE IF NOT EXISTS audit_log (
  id         BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  at         DATETIME(3) NOT NULL,
  actor      VARCHAR(160) NOT NULL,
  address    VARCHAR(64) NOT NULL,
  action     VARCHAR(64) NOT NULL,
  target     VARCHAR(200) NOT NULL,
  before_state MEDIUMTEXT NULL,
  after_state  MEDIUMTEXT NULL,
  KEY audit_log_at (at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
