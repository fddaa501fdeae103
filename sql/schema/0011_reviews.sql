-- 0011_reviews.sql: reviews and ratings of services.
--
-- A consumer who used a service gives it 1 to 5 stars and a text, once
-- (editing keeps the one row); the provider answers once (editable);
-- administrators hide a review with a reason and may show it again.
-- Nothing is ever deleted by the programs: moderation hides, and the
-- audit trail records who did what (mkt_audit in the same transaction).
--
-- service_ratings holds each service's count, plain average and Bayesian
-- average of its visible reviews, kept by a trigger, for the service
-- page and for ranking.

CREATE TABLE reviews (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    service_id    uuid NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    author_id     uuid NOT NULL REFERENCES users (id),
    rating        smallint NOT NULL CHECK (rating BETWEEN 1 AND 5),
    title         text CHECK (length(title) BETWEEN 1 AND 120),
    body          text NOT NULL CHECK (length(body) BETWEEN 1 AND 4000),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    reply         text CHECK (length(reply) BETWEEN 1 AND 4000),
    replied_at    timestamptz,
    replied_by    uuid REFERENCES users (id),
    hidden        boolean NOT NULL DEFAULT false,
    hidden_reason text CHECK (length(hidden_reason) BETWEEN 1 AND 1000),
    hidden_by     uuid REFERENCES users (id),
    hidden_at     timestamptz,
    UNIQUE (service_id, author_id),
    CHECK ((reply IS NULL) = (replied_at IS NULL)),
    -- A hidden review always says why and since when; a visible one
    -- carries no stale moderation (the audit trail keeps the history).
    CHECK (hidden = (hidden_reason IS NOT NULL)
           AND hidden = (hidden_at IS NOT NULL))
);
-- The service page: its visible reviews, newest first.
CREATE INDEX reviews_service_idx ON reviews (service_id, created_at DESC)
    WHERE NOT hidden;
-- Moderation: everything, newest first.
CREATE INDEX reviews_created_idx ON reviews (created_at DESC, id);
CREATE INDEX reviews_author_idx ON reviews (author_id);

-- May this person review this service?  Only someone who used it: the
-- gateway's usage records now.  When subscriptions arrive (issue 4),
-- add one line:
--     OR EXISTS (SELECT 1 FROM subscriptions s
--                 WHERE s.consumer_id = reader AND s.service_id = service)
CREATE FUNCTION review_eligible(reader uuid, service uuid)
RETURNS boolean LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT EXISTS (SELECT 1 FROM usage_records u
                    WHERE u.consumer_id = reader AND u.service_id = service)
$$;

-- The Bayesian average of a service with n visible reviews summing to s:
--
--     (C·m + s) / (C + n)
--
-- as if every service had C more reviews of the catalog's mean m.  A
-- few reviews barely move a service away from m; many reviews outweigh
-- it, so one review of 5 stars does not beat 200 of 4.8 (with C = 10
-- this holds whenever m < 4.78, i.e. in any catalog not made of nearly
-- perfect scores).  C = 10: about the number of reviews after which a
-- service's own average deserves as much trust as the catalog's.  m is
-- the mean of all visible reviews, or 4.0 while there are none (what
-- people give a service that works).
CREATE FUNCTION review_weight() RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS 'SELECT 10';

CREATE FUNCTION review_prior() RETURNS numeric
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT coalesce(avg(rating), 4.0) FROM reviews WHERE NOT hidden
$$;

-- One row per service with at least one visible review.
CREATE TABLE service_ratings (
    service_id uuid PRIMARY KEY REFERENCES services (id) ON DELETE CASCADE,
    reviews    integer NOT NULL CHECK (reviews > 0),
    average    numeric(4, 3) NOT NULL CHECK (average BETWEEN 1 AND 5),
    bayesian   numeric(4, 3) NOT NULL CHECK (bayesian BETWEEN 1 AND 5),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX service_ratings_bayesian_idx ON service_ratings (bayesian DESC);

-- Recomputes one service's row with the current m.  Changing m moves
-- every service's Bayesian average a little; those follow at the next
-- service_ratings_refresh() (marketctl search-refresh, hourly), which
-- keeps each write to a single row.  SECURITY DEFINER: the programs
-- may read service_ratings but never write it themselves.
CREATE FUNCTION service_rating_update(svc uuid) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    n     integer;
    total numeric;
    m     numeric;
BEGIN
    -- Two writers of the same service wait for each other; the later
    -- one's next statement sees the earlier one's committed review, so
    -- no count is lost (plpgsql takes a new snapshot per statement).
    PERFORM pg_advisory_xact_lock(4242011, hashtext(svc::text));
    SELECT count(*), sum(rating) INTO n, total
      FROM reviews WHERE service_id = svc AND NOT hidden;
    IF n = 0 THEN
        DELETE FROM service_ratings WHERE service_id = svc;
        RETURN;
    END IF;
    m := review_prior();
    INSERT INTO service_ratings AS r (service_id, reviews, average, bayesian)
    VALUES (svc, n, round(total / n, 3),
            round((review_weight() * m + total) / (review_weight() + n), 3))
    ON CONFLICT (service_id) DO UPDATE
       SET reviews = EXCLUDED.reviews, average = EXCLUDED.average,
           bayesian = EXCLUDED.bayesian, updated_at = now();
END
$$;

CREATE FUNCTION reviews_rate() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM service_rating_update(OLD.service_id);
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE'
                            AND NEW.service_id <> OLD.service_id) THEN
        PERFORM service_rating_update(NEW.service_id);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER reviews_rate AFTER INSERT OR DELETE ON reviews
    FOR EACH ROW EXECUTE FUNCTION reviews_rate();
-- A reply or a new text leaves the figures as they are.
CREATE TRIGGER reviews_rerate AFTER UPDATE ON reviews
    FOR EACH ROW WHEN (OLD.rating IS DISTINCT FROM NEW.rating
                       OR OLD.hidden IS DISTINCT FROM NEW.hidden
                       OR OLD.service_id IS DISTINCT FROM NEW.service_id)
    EXECUTE FUNCTION reviews_rate();

-- Every service's row again, with one m for all: the hourly catch-up
-- after m moved, and the repair if anything ever drifted.  Returns the
-- number of services with ratings.
CREATE FUNCTION service_ratings_refresh() RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    m numeric := review_prior();
    n integer;
BEGIN
    DELETE FROM service_ratings r
     WHERE NOT EXISTS (SELECT 1 FROM reviews v
                        WHERE v.service_id = r.service_id AND NOT v.hidden);
    INSERT INTO service_ratings AS r (service_id, reviews, average, bayesian)
    SELECT service_id, count(*), round(avg(rating), 3),
           round((review_weight() * m + sum(rating))
                 / (review_weight() + count(*)), 3)
      FROM reviews WHERE NOT hidden GROUP BY service_id
    ON CONFLICT (service_id) DO UPDATE
       SET reviews = EXCLUDED.reviews, average = EXCLUDED.average,
           bayesian = EXCLUDED.bayesian, updated_at = now()
     WHERE (r.reviews, r.average, r.bayesian)
           IS DISTINCT FROM (EXCLUDED.reviews, EXCLUDED.average,
                             EXCLUDED.bayesian);
    SELECT count(*) INTO n FROM service_ratings;
    RETURN n;
END
$$;

-- The programs write reviews (never delete them: moderation hides) and
-- only read the derived figures.
GRANT SELECT, INSERT, UPDATE ON reviews TO mkt_app;
REVOKE DELETE, TRUNCATE ON reviews FROM mkt_app, PUBLIC;
GRANT SELECT ON service_ratings TO mkt_app;
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON service_ratings FROM mkt_app, PUBLIC;
REVOKE ALL ON FUNCTION service_rating_update(uuid), service_ratings_refresh()
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION review_eligible(uuid, uuid), review_weight(),
    review_prior() TO mkt_app;
