-- SPDX-License-Identifier: MIT
-- 008: the updater's running totals per source kind, for GET /metrics:
-- widgets pulled, how many failed, and the seconds their fetches took.
CREATE TABLE IF NOT EXISTS update_stats (
  kind      VARCHAR(64) NOT NULL PRIMARY KEY,
  updates   BIGINT UNSIGNED NOT NULL DEFAULT 0,
  failures  BIGINT UNSIGNED NOT NULL DEFAULT 0,
  seconds   DOUBLE NOT NULL DEFAULT 0
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
