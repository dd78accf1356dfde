-- SPDX-License-Identifier: MIT
-- 002: users, their dashboards, sessions, and login throttling.

-- role: viewer (the seed's can_view_dashboard) or admin (layout, widgets,
-- tokens). A viewer sees the dashboards granted to them, or all of them
-- with all_dashboards.
CREATE TABLE IF NOT EXISTS users (
  id             INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name           VARCHAR(64) NOT NULL,
  password_hash  VARCHAR(255) NOT NULL,
  role           ENUM('viewer', 'admin') NOT NULL DEFAULT 'viewer',
  all_dashboards TINYINT(1) NOT NULL DEFAULT 0,
  created_at     DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  last_login_at  DATETIME(3) NULL,
  UNIQUE KEY users_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS user_dashboards (
  user_id      INT UNSIGNED NOT NULL,
  dashboard_id INT UNSIGNED NOT NULL,
  PRIMARY KEY (user_id, dashboard_id),
  CONSTRAINT user_dashboards_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
  CONSTRAINT user_dashboards_dashboard_fk FOREIGN KEY (dashboard_id) REFERENCES dashboards (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A session is known by the SHA-256 of its cookie: the cookie itself is
-- never stored. Idle and absolute expiry are checked on every request.
CREATE TABLE IF NOT EXISTS sessions (
  id_hash    CHAR(64) NOT NULL PRIMARY KEY,
  user_id    INT UNSIGNED NOT NULL,
  csrf       CHAR(64) NOT NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  seen_at    DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  KEY sessions_user (user_id),
  CONSTRAINT sessions_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Failed logins per account ("u:<name>") and per client address
-- ("a:<address>"), for back-off. Rows of unknown names are kept the same
-- way, so the answer never tells whether an account exists.
CREATE TABLE IF NOT EXISTS login_failures (
  subject      VARCHAR(200) NOT NULL PRIMARY KEY,
  failures     INT UNSIGNED NOT NULL DEFAULT 0,
  last_at      DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
