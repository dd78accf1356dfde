-- SPDX-License-Identifier: MIT
-- 009: the per-account back-off counts under "u:<SHA-256 of the name>"
-- (lib/auth.c), no longer under the name as typed: a name no account has
-- is often a password typed in the wrong box, and must not be kept. The
-- rows of names as typed go (their accounts' counts start again).
DELETE FROM login_failures WHERE subject LIKE 'u:%' AND subject NOT REGEXP '^u:[0-9a-f]{64}$';
