-- Suspension is the super admin's decision, kept apart from the provisioning status: a repair
-- or a re-run provisioning job sets `status` (Provisioning, Ready, Failed) and never touches
-- `suspended`, which only PATCH /superadmin/tenants/{slug} changes. A suspended store answers 423
-- whatever its provisioning status.
ALTER TABLE tenants ADD COLUMN IF NOT EXISTS suspended TINYINT(1) NOT NULL DEFAULT 0 AFTER status;
UPDATE tenants SET suspended = 1, status = 'Ready' WHERE status = 'Suspended';
