-- SPDX-License-Identifier: MIT
-- 011: roll-ups of widget_history, so that a range of any length reads a
-- bounded number of rows. Per minute and per hour, each widget's updates
-- of its type's main field as a count, a sum, the least and greatest
-- value, and the newest value with its time and row id (ties in time go
-- to the higher id, as in the raw rows). lib/history.c fills them from raw
-- rows after the updater's passes and in `mdash prune`, never when an
-- update is stored, and is the only code that touches them.
--
-- No foreign keys: adding a child row share-locks the parent row, and
-- every push locks its widget's row. The roll-ups of a deleted widget are
-- removed by the next prune, found through widget_history_rollup.
CREATE TABLE IF NOT EXISTS widget_history_minutes (
  widget_id INT UNSIGNED NOT NULL,
  start     DATETIME NOT NULL,
  n         INT UNSIGNED NOT NULL,
  total     DOUBLE NOT NULL,
  lo        DOUBLE NOT NULL,
  hi        DOUBLE NOT NULL,
  last_v    DOUBLE NOT NULL,
  last_at   DATETIME(3) NOT NULL,
  last_id   BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (widget_id, start)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS widget_history_hours LIKE widget_history_minutes;

-- Per widget: the field rolled up, the newest widget_history id in the
-- roll-ups (every row up to it is in them, and only those), and how far
-- retention has deleted: the newest raw update and the newest minute
-- deleted, so that a read knows from when on a level is whole.
CREATE TABLE IF NOT EXISTS widget_history_rollup (
  widget_id      INT UNSIGNED NOT NULL PRIMARY KEY,
  field          VARCHAR(255) NOT NULL,
  rolled_id      BIGINT UNSIGNED NOT NULL DEFAULT 0,
  raw_pruned     DATETIME(3) NULL,
  minutes_pruned DATETIME NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
