-- 0001_catalog.sql: organisations, providers, users, categories, services
-- and their versions: the catalog the first programs read.

CREATE TABLE organizations (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    slug        text NOT NULL UNIQUE
                CHECK (slug ~ '^[a-z0-9][a-z0-9._-]{0,63}$'),
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- A provider publishes services; it belongs to one organisation, whose
-- members may change its services.
CREATE TABLE providers (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES organizations (id),
    slug            text NOT NULL UNIQUE
                    CHECK (slug ~ '^[a-z0-9][a-z0-9._-]{0,63}$'),
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    homepage        text CHECK (homepage ~ '^https://[^\s<>"]+$'),
    verified        boolean NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX providers_organization_idx ON providers (organization_id);

CREATE TABLE users (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid REFERENCES organizations (id),
    email           text NOT NULL CHECK (email ~ '^[^@\s]+@[^@\s]+$'
                                         AND length(email) <= 254),
    display_name    text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
    -- "pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>"; NULL for
    -- accounts that only sign in through the identity provider.
    password_hash   text,
    roles           text[] NOT NULL DEFAULT '{consumer}'
                    CHECK (roles <@ ARRAY['consumer', 'provider', 'admin',
                                          'auditor']::text[]),
    status          text NOT NULL DEFAULT 'active'
                    CHECK (status IN ('active', 'disabled')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_idx ON users (lower(email));

CREATE TABLE categories (
    slug        text PRIMARY KEY CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,63}$'),
    name        text NOT NULL,          -- English; translated by the programs
    position    integer NOT NULL DEFAULT 0
);

INSERT INTO categories (slug, name, position) VALUES
    ('text-generation',  'Text generation',  10),
    ('embeddings',       'Embeddings',       20),
    ('image-generation', 'Image generation', 30),
    ('speech-to-text',   'Speech to text',   40),
    ('text-to-speech',   'Text to speech',   50),
    ('reranking',        'Reranking',        60),
    ('moderation',       'Moderation',       70),
    ('other',            'Other',            99);

CREATE TABLE services (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    provider_id        uuid NOT NULL REFERENCES providers (id),
    slug               text NOT NULL UNIQUE
                       CHECK (slug ~ '^[a-z0-9][a-z0-9._-]{0,127}$'),
    name               text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    description        text NOT NULL DEFAULT ''
                       CHECK (length(description) <= 20000),
    category           text NOT NULL REFERENCES categories (slug),
    tags               text[] NOT NULL DEFAULT '{}',
    capabilities       jsonb NOT NULL DEFAULT '[]'
                       CHECK (jsonb_typeof(capabilities) = 'array'),
    mode               text,            -- chat, embedding, … (wire protocol)
    endpoint           jsonb NOT NULL DEFAULT '{}'
                       CHECK (jsonb_typeof(endpoint) = 'object'),
    sla                jsonb NOT NULL DEFAULT '{}'
                       CHECK (jsonb_typeof(sla) = 'object'),
    compliance_level   text NOT NULL DEFAULT 'public'
                       CHECK (compliance_level IN ('public', 'internal',
                                                   'confidential')),
    certifications     text[] NOT NULL DEFAULT '{}',
    data_residency     text[] NOT NULL DEFAULT '{}',
    status             text NOT NULL DEFAULT 'pending_approval'
                       CHECK (status IN ('pending_approval', 'active',
                                         'deprecated', 'retired',
                                         'suspended', 'failed_validation')),
    registry_id        text,
    current_version_id uuid,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX services_listed_name_idx ON services (name, id)
    WHERE status IN ('active', 'deprecated');
CREATE INDEX services_category_idx ON services (category, name);
CREATE INDEX services_provider_idx ON services (provider_id);

-- SemVer 2.0.0 (semver.org's reference expression).
CREATE DOMAIN semver AS text CHECK (VALUE ~
    '^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-((0|[1-9][0-9]*|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*)(\.(0|[1-9][0-9]*|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*))*))?(\+([0-9a-zA-Z-]+(\.[0-9a-zA-Z-]+)*))?$');

CREATE TABLE service_versions (
    id                          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    service_id                  uuid NOT NULL
                                REFERENCES services (id) ON DELETE CASCADE,
    version                     semver NOT NULL,
    status                      text NOT NULL DEFAULT 'pending_approval'
                                CHECK (status IN ('pending_approval', 'active',
                                       'deprecated', 'retired', 'suspended',
                                       'failed_validation')),
    currency                    char(3) NOT NULL DEFAULT 'USD',
    -- Prices per million tokens; numeric, never float, so that cost
    -- arithmetic is exact.
    input_price_per_mtok        numeric(20, 6) CHECK (input_price_per_mtok >= 0),
    output_price_per_mtok       numeric(20, 6) CHECK (output_price_per_mtok >= 0),
    cached_input_price_per_mtok numeric(20, 6)
                                CHECK (cached_input_price_per_mtok >= 0),
    price_per_request           numeric(20, 6) CHECK (price_per_request >= 0),
    context_window              integer CHECK (context_window > 0),
    max_output_tokens           integer CHECK (max_output_tokens > 0),
    openapi                     jsonb,
    published_at                timestamptz,
    deprecated_at               timestamptz,
    sunset_at                   timestamptz,
    created_at                  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (service_id, version)
);

ALTER TABLE services ADD CONSTRAINT services_current_version_fk
    FOREIGN KEY (current_version_id) REFERENCES service_versions (id)
    DEFERRABLE INITIALLY DEFERRED;

-- Prices as text for display and JSON: at least two decimals, no trailing
-- zeros beyond them ("2.50", "0.0375"), exact (no float on the way).
CREATE FUNCTION price_text(p numeric) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT CASE WHEN scale(trim_scale(p)) < 2 THEN round(p, 2)::text
                ELSE trim_scale(p)::text END
$$;
