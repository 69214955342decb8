-- A sign-up's store admin: the SHA-256 of the activation token handed to the person who
-- signed up (never the token itself). SeedData creates the admin account with it.
ALTER TABLE tenants ADD COLUMN IF NOT EXISTS admin_activation_hash CHAR(64) NULL AFTER admin_email;
