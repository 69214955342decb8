-- Placement of stores over several database servers (`ecom-provision server ...`).
-- capacity: how many stores the server is meant to hold; a new store goes to the active server
--   with the most room left (capacity minus the stores it holds).
-- state: 'active' takes new stores; 'draining' keeps serving its stores but takes no new one.
-- Credentials are never kept here: each server's accounts come from ecom.conf ([db_server.NAME]).
ALTER TABLE db_servers ADD COLUMN IF NOT EXISTS capacity INT UNSIGNED NOT NULL DEFAULT 5000 AFTER url;
ALTER TABLE db_servers ADD COLUMN IF NOT EXISTS state VARCHAR(16) NOT NULL DEFAULT 'active'
  COMMENT 'active|draining' AFTER capacity;
