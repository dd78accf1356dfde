-- SPDX-License-Identifier: MIT
-- 003: share links: a read-only, revocable link to one dashboard for a
-- wall screen. Only a SHA-256 of the link's secret is kept.
CREATE TABLE IF NOT EXISTS shares (
  id           INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  token_hash   CHAR(64) NOT NULL,
  dashboard_id INT UNSIGNED NOT NULL,
  created_at   DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  UNIQUE KEY shares_token (token_hash),
  CONSTRAINT shares_dashboard_fk FOREIGN KEY (dashboard_id) REFERENCES dashboards (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
