-- PostgreSQL twin of store/migrations/004_web_sessions.sql: the same tables, columns and types (checked by
-- tests/store/test_shared_store.py); only the spelling differs where the two databases differ.
-- Signed-in sessions kept in the store (issue 10): a reload or a new tab keeps the session, and
-- signing out, a disabled account, a new password, 30 minutes idle or 8 hours end it everywhere.
-- The browser holds a random id in an HttpOnly cookie; only its SHA-256 is kept here. Times are
-- seconds since 1970 by the app's clock (ui.auth.clock), which tests of timeouts move on.
CREATE TABLE web_session (
    id_hash TEXT PRIMARY KEY,         -- SHA-256 (hex) of the cookie's random id
    name TEXT NOT NULL,               -- user_account.name
    method TEXT NOT NULL,             -- local | oidc
    started_at DOUBLE PRECISION NOT NULL,       -- sign-in; for single sign-on the provider's sign-in time
    last_seen DOUBLE PRECISION NOT NULL,        -- last activity in any tab, to within TOUCH_EVERY_S
    credential TEXT NOT NULL,         -- fingerprint of the password hash at sign-in
    ended_at DOUBLE PRECISION,
    ended_reason TEXT                 -- signed-out | idle | max-age | disabled | password-changed
);

-- One-time tokens that carry a sign-in from the page to the browser's cookie: the page sends
-- the browser to /session/start?token=…, which takes the token (once, within a minute, from the
-- same browser) and sets the cookie.
CREATE TABLE session_handover (
    token_hash TEXT PRIMARY KEY,      -- SHA-256 (hex) of the token
    name TEXT NOT NULL,
    method TEXT NOT NULL,
    started_at DOUBLE PRECISION NOT NULL,
    credential TEXT NOT NULL,
    browser_hash TEXT NOT NULL,       -- SHA-256 of the nvcrp_browser cookie of the page signed in
    created_at DOUBLE PRECISION NOT NULL
);
