-- Bearer tokens of the HTTP API. Only a SHA-256 hash of each token is stored: the token itself
-- is shown once, when it is made. A token carries a role and what scopes it (DESIGN §6).
CREATE TABLE api_tokens (
    id              uuid PRIMARY KEY,
    hash            bytea NOT NULL UNIQUE,
    rol             text NOT NULL CHECK (rol IN ('coordinator', 'coach', 'school', 'overstaptafel', 'admin')),
    regio           text,
    coach           text,
    school          text,
    omschrijving    text NOT NULL,
    aangemaakt_op   timestamptz NOT NULL DEFAULT now(),
    aangemaakt_door text NOT NULL,
    ingetrokken_op  timestamptz,
    CHECK (rol = 'admin' OR regio IS NOT NULL),
    CHECK (rol <> 'coach' OR coach IS NOT NULL),
    CHECK (rol <> 'school' OR school IS NOT NULL)
);
-- The service only looks tokens up; making and revoking them is an operator's job.
REVOKE INSERT, UPDATE, DELETE ON api_tokens FROM overstap_app;
