-- PostgreSQL twin of store/migrations/003_sign_in_address.sql: the same tables, columns and types (checked by
-- tests/store/test_shared_store.py); only the spelling differs where the two databases differ.
-- Wrong passwords slow down the client that sends them, not the account for everyone (issue 8):
-- each attempt also keeps the network address Streamlit reports (NULL on this machine).
-- Outcomes are now success | failure | throttled (refused unchecked) | cleared (an
-- administrator's 'python -m store users unlock NAME'); 'locked' rows are from before.
ALTER TABLE sign_in_attempt ADD COLUMN address TEXT;
