-- The database roles of a production Overstap, run once by a superuser or DBA:
--
--   psql -v owner_password='…' -v api_password='…' -f ops/sql/roles.sql
--
-- overstap_owner  owns the database and its tables; runs `overstap migrate` and operator commands
--                 (tokens, key rotation, projections rebuild, vergeet). No superuser, no CREATEROLE.
-- overstap_app    the application's rights, granted by the migrations: SELECT/INSERT on `events`
--                 (never UPDATE/DELETE/TRUNCATE), append-only on `inzage_registratie`, read-only on
--                 `api_tokens`, read/write on read models. No login.
-- overstap_api    the login of `overstap serve` and `overstap nightly`: a member of overstap_app,
--                 nothing more.
\set ON_ERROR_STOP on

CREATE ROLE overstap_owner LOGIN PASSWORD :'owner_password';
SELECT 'CREATE ROLE overstap_app NOLOGIN'
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'overstap_app') \gexec
CREATE ROLE overstap_api LOGIN PASSWORD :'api_password' IN ROLE overstap_app;
-- A writer left idle inside a transaction holds back every subscriber (decision 0001).
ALTER ROLE overstap_api SET idle_in_transaction_session_timeout = '60s';

CREATE DATABASE overstap OWNER overstap_owner;
REVOKE ALL ON DATABASE overstap FROM PUBLIC;
GRANT CONNECT ON DATABASE overstap TO overstap_app;
\connect overstap
-- Nobody but the owner creates objects (PostgreSQL 15 already revokes CREATE from PUBLIC).
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
