-- SPDX-License-Identifier: MIT
-- 007: admin tokens (mdash token add NAME --admin): besides pushing, they
-- may read /metrics and use the authoring API, as an admin's session does.
ALTER TABLE api_tokens ADD COLUMN IF NOT EXISTS admin TINYINT(1) NOT NULL DEFAULT 0;
