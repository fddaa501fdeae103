-- 0003_accounts.sql: portal sessions.  The browser holds a 256-bit random
-- token; only its SHA-256 is stored, so a copy of this table signs no one
-- in.  Sessions end when idle too long, at an absolute limit, or when
-- revoked (sign-out, "revoke" on the account page, an administrator).

CREATE TABLE sessions (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),  -- public handle
    token_hash      bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    user_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf            text NOT NULL CHECK (csrf ~ '^[0-9a-f]{64}$'),
    created_at      timestamptz NOT NULL DEFAULT now(),
    last_seen_at    timestamptz NOT NULL DEFAULT now(),
    idle_expires_at timestamptz NOT NULL,
    expires_at      timestamptz NOT NULL,
    revoked_at      timestamptz,
    user_agent      text CHECK (length(user_agent) <= 512),
    client_addr     inet
);
CREATE INDEX sessions_user_idx ON sessions (user_id, created_at);

ALTER TABLE users ADD COLUMN last_login_at timestamptz;

-- Accounts made from an identity provider's token: "<issuer>|<sub>".
ALTER TABLE users ADD COLUMN oidc_subject text UNIQUE
    CHECK (length(oidc_subject) <= 600);
