-- PostgreSQL twin of store/migrations/002_accounts.sql: the same tables, columns and types (checked by
-- tests/store/test_shared_store.py); only the spelling differs where the two databases differ.
-- Accounts, sign-in attempts and access to restricted operations (issue 5).
CREATE TABLE user_account (
    name TEXT PRIMARY KEY,            -- sign-in name, lower case, e.g. 'j.smith'
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,               -- viewer | analyst | briefing | admin
    forces TEXT[] NOT NULL DEFAULT '{}',-- analyst: force codes they may submit for; empty = any
    navcis BOOLEAN NOT NULL DEFAULT FALSE,  -- analyst: may submit NaVCIS (ports) returns
    password_hash TEXT,               -- argon2id; NULL for single sign-on accounts
    auth TEXT NOT NULL DEFAULT 'local',     -- local | oidc
    email TEXT,                       -- oidc: matched, case-insensitively, to the signed-in email
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT NOT NULL,         -- 'bootstrap', 'command line' or the admin's name
    last_sign_in TIMESTAMP
);

CREATE SEQUENCE sign_in_attempt_id_seq START 1;

CREATE TABLE sign_in_attempt (      -- every sign-in tried, for rate limiting and the audit page
    id BIGINT PRIMARY KEY,
    at_time TIMESTAMP NOT NULL,
    name TEXT NOT NULL,               -- the name typed (may not be an account)
    session_id TEXT NOT NULL,         -- the browser session's random id, or 'command line'
    outcome TEXT NOT NULL             -- success | failure | locked
);

CREATE TABLE operation_access (     -- who may see a restricted operation (operation.restricted)
    operation TEXT NOT NULL,
    grantee_kind TEXT NOT NULL,       -- role | user
    grantee TEXT NOT NULL,            -- a role name or a user_account.name
    granted_at TIMESTAMP NOT NULL,
    granted_by TEXT NOT NULL,
    PRIMARY KEY (operation, grantee_kind, grantee)
);
