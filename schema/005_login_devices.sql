-- SPDX-License-Identifier: MIT
-- 005: browsers that logged in to an account (a device cookie, as OWASP
-- suggests): failed logins from others do not lock them out of it. Only a
-- SHA-256 of the cookie's secret is kept.
CREATE TABLE IF NOT EXISTS login_devices (
  token_hash   CHAR(64) NOT NULL PRIMARY KEY,
  user_id      INT UNSIGNED NOT NULL,
  created_at   DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  KEY login_devices_user (user_id, created_at),
  CONSTRAINT login_devices_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
