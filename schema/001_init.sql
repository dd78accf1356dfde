-- SPDX-License-Identifier: MIT
-- 001: dashboards, widgets, their history and per-widget settings, push tokens.
-- Times are UTC (every connection sets time_zone to +00:00).

CREATE TABLE IF NOT EXISTS dashboards (
  id          INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  slug        VARCHAR(64) NOT NULL,
  title       VARCHAR(200) NOT NULL DEFAULT '',
  description TEXT NULL,
  columns     TINYINT UNSIGNED NOT NULL DEFAULT 6,
  position    INT NOT NULL DEFAULT 0,
  created_at  DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  UNIQUE KEY dashboards_slug (slug)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row per widget instance. The row holds the current value (data, a
-- JSON object of the type's fields) and its version, bumped by every stored
-- update; the browser compares versions to know what to re-fetch.
CREATE TABLE IF NOT EXISTS widgets (
  id              INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name            VARCHAR(64) NOT NULL,
  type            VARCHAR(64) NOT NULL,
  dashboard_id    INT UNSIGNED NULL,
  title           VARCHAR(200) NOT NULL DEFAULT '',
  col             SMALLINT UNSIGNED NOT NULL DEFAULT 1,
  `row`           SMALLINT UNSIGNED NOT NULL DEFAULT 1,
  sizex           TINYINT UNSIGNED NOT NULL DEFAULT 1,
  sizey           TINYINT UNSIGNED NOT NULL DEFAULT 1,
  update_interval INT UNSIGNED NOT NULL DEFAULT 60,
  source          TEXT NOT NULL,
  options         TEXT NOT NULL,
  enabled         TINYINT(1) NOT NULL DEFAULT 1,
  data            MEDIUMTEXT NULL,
  version         BIGINT UNSIGNED NOT NULL DEFAULT 0,
  updated_at      DATETIME(3) NULL,
  attempted_at    DATETIME(3) NULL,
  last_error      TEXT NULL,
  error_at        DATETIME(3) NULL,
  publish_pending TINYINT(1) NOT NULL DEFAULT 0,
  UNIQUE KEY widgets_name (name),
  KEY widgets_dashboard (dashboard_id, `row`, col),
  CONSTRAINT widgets_dashboard_fk FOREIGN KEY (dashboard_id) REFERENCES dashboards (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Every stored update, for graphs and "change since".
CREATE TABLE IF NOT EXISTS widget_history (
  id         BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  widget_id  INT UNSIGNED NOT NULL,
  version    BIGINT UNSIGNED NOT NULL,
  data       MEDIUMTEXT NOT NULL,
  created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  KEY widget_history_widget (widget_id, created_at),
  CONSTRAINT widget_history_widget_fk FOREIGN KEY (widget_id) REFERENCES widgets (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The seed's DashboardWidgetSettings: free-form settings per widget for
-- plug-ins (IS_ENABLED, LAST_UPDATE and their own).
CREATE TABLE IF NOT EXISTS widget_settings (
  widget_id  INT UNSIGNED NOT NULL,
  setting    VARCHAR(64) NOT NULL,
  value      TEXT NOT NULL,
  PRIMARY KEY (widget_id, setting),
  CONSTRAINT widget_settings_widget_fk FOREIGN KEY (widget_id) REFERENCES widgets (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Push API tokens. Only a SHA-256 of the secret is kept.
CREATE TABLE IF NOT EXISTS api_tokens (
  id           INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name         VARCHAR(64) NOT NULL,
  token_hash   CHAR(64) NOT NULL,
  created_at   DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  last_used_at DATETIME(3) NULL,
  UNIQUE KEY api_tokens_name (name),
  UNIQUE KEY api_tokens_hash (token_hash)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
