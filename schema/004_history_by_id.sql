-- SPDX-License-Identifier: MIT
-- 004: history retention (history_prune) looks for a widget's rows newest
-- first by id, after every update. With only (widget_id, created_at) that
-- sorts all of the widget's rows each time (10,000 by default); with this
-- index it walks them in order.
ALTER TABLE widget_history ADD INDEX IF NOT EXISTS widget_history_widget_id (widget_id, id);
