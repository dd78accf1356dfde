-- SPDX-License-Identifier: MIT
-- 013: graphs of several series (lib/series.h).
--
-- A ranged graph's options.series names widgets of its dashboard; this
-- table holds them, in order, as `mdash apply` last wrote the options. It
-- is what the store reads to bump the version of every graph that follows
-- a widget it has just updated (so that the graph's fragment changes once
-- per update, for every page), and what the graph reads to draw.
CREATE TABLE IF NOT EXISTS widget_series (
  graph_id   INT UNSIGNED NOT NULL,
  widget_id  INT UNSIGNED NOT NULL,
  position   TINYINT UNSIGNED NOT NULL,
  PRIMARY KEY (graph_id, position),
  KEY widget_series_followed (widget_id, graph_id),
  CONSTRAINT widget_series_graph_fk FOREIGN KEY (graph_id) REFERENCES widgets (id) ON DELETE CASCADE,
  CONSTRAINT widget_series_widget_fk FOREIGN KEY (widget_id) REFERENCES widgets (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
