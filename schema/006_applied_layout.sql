-- SPDX-License-Identifier: MIT
-- 006: where `mdash apply` last put each widget, as "col,row,sizex,sizey".
-- A later apply moves or resizes a widget only when the file's position or
-- size differs from that, so places saved from the browser since stay.
-- NULL (widgets older than this, or made by `mdash widget add`): the next
-- apply keeps the widget's place and records the file's.
ALTER TABLE widgets ADD COLUMN IF NOT EXISTS applied_layout VARCHAR(64) NULL;
