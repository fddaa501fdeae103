-- 0023_search_listing_copies.sql: the price, context window and rating a
-- search filters and counts by, kept on the service's own row.
--
-- A search counts its matches (or a share of them) by facet, and every
-- count read, per service, its current version (price, context window:
-- a descent of service_versions_facets_idx, 0020) and its rating (a
-- descent of service_ratings_pkey, found or not).  At a million services
-- those two lookups were 3,600 of the 6,800 buffers a count of 716
-- services read, and about a third of its time; a facet filter on price
-- or rating did the same for every row it tested.  The three figures are
-- read as often as the catalog is searched and change when a version is
-- published or a review is written, so they are copied onto the row the
-- search reads anyway, and kept there by triggers:
--   - on the service: when its current version changes, or the copies
--     are written, they are taken again from their sources (a service
--     whose version comes later in the same transaction, as the scale
--     benchmark's generator writes them, keeps what it was given until
--     that version's own trigger below);
--   - on a version: an insert or a change of its price or context window
--     refreshes the service it is current for;
--   - on a rating: any change refreshes its service.
-- The sources stay the truth: the page of a service and the catalog's
-- pages read the version itself.

ALTER TABLE services
    ADD COLUMN current_input_price numeric(20, 6),
    ADD COLUMN current_context_window integer,
    ADD COLUMN rating_bayesian numeric(4, 3);

-- Filled by rewriting the table once, as a change of the columns' type
-- to the same type would: an UPDATE of every row leaves the table and
-- each of its indexes twice their size (a million services: 1.8 GB ->
-- 3.4 GB, and every search slower) until a VACUUM FULL.
CREATE FUNCTION pg_temp.version_price(p_version uuid) RETURNS numeric
LANGUAGE sql STABLE AS $$
    SELECT input_price_per_mtok FROM service_versions WHERE id = p_version
$$;
CREATE FUNCTION pg_temp.version_context(p_version uuid) RETURNS integer
LANGUAGE sql STABLE AS $$
    SELECT context_window FROM service_versions WHERE id = p_version
$$;
CREATE FUNCTION pg_temp.service_rating(p_service uuid) RETURNS numeric
LANGUAGE sql STABLE AS $$
    SELECT bayesian FROM service_ratings WHERE service_id = p_service
$$;
ALTER TABLE services
    ALTER COLUMN current_input_price TYPE numeric(20, 6)
        USING pg_temp.version_price(current_version_id),
    ALTER COLUMN current_context_window TYPE integer
        USING pg_temp.version_context(current_version_id),
    ALTER COLUMN rating_bayesian TYPE numeric(4, 3)
        USING pg_temp.service_rating(id);

CREATE FUNCTION services_listing_copies() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    v record;
BEGIN
    IF NEW.current_version_id IS NULL THEN
        NEW.current_input_price := NULL;
        NEW.current_context_window := NULL;
    ELSE
        SELECT input_price_per_mtok, context_window INTO v
          FROM service_versions WHERE id = NEW.current_version_id;
        IF FOUND THEN
            NEW.current_input_price := v.input_price_per_mtok;
            NEW.current_context_window := v.context_window;
        END IF;
    END IF;
    NEW.rating_bayesian := (SELECT bayesian FROM service_ratings
                            WHERE service_id = NEW.id);
    RETURN NEW;
END $$;

CREATE TRIGGER services_listing_copies
    BEFORE INSERT OR UPDATE OF current_version_id, current_input_price,
        current_context_window, rating_bayesian
    ON services FOR EACH ROW EXECUTE FUNCTION services_listing_copies();

-- The service's trigger above reads the sources again: writing a copy
-- onto itself is enough to refresh them.
CREATE FUNCTION service_versions_listing_copies() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE services
       SET current_input_price = NEW.input_price_per_mtok
     WHERE id = NEW.service_id AND current_version_id = NEW.id
       AND (current_input_price, current_context_window)
           IS DISTINCT FROM (NEW.input_price_per_mtok, NEW.context_window);
    RETURN NULL;
END $$;

CREATE TRIGGER service_versions_listing_copies
    AFTER INSERT OR UPDATE OF input_price_per_mtok, context_window
    ON service_versions FOR EACH ROW
    EXECUTE FUNCTION service_versions_listing_copies();

-- service_ratings is written by SECURITY DEFINER functions only (0011);
-- their triggers run as the same owner.
CREATE FUNCTION service_ratings_listing_copy() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    svc uuid := CASE WHEN TG_OP = 'DELETE' THEN OLD.service_id
                     ELSE NEW.service_id END;
BEGIN
    UPDATE services
       SET rating_bayesian = NULL
     WHERE id = svc
       AND rating_bayesian IS DISTINCT FROM
           CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE NEW.bayesian END;
    RETURN NULL;
END $$;

CREATE TRIGGER service_ratings_listing_copy
    AFTER INSERT OR UPDATE OR DELETE ON service_ratings
    FOR EACH ROW EXECUTE FUNCTION service_ratings_listing_copy();

ALTER TABLE services ALTER COLUMN current_input_price SET STATISTICS 1000;
ALTER TABLE services ALTER COLUMN current_context_window SET STATISTICS 1000;
ANALYZE services (current_input_price, current_context_window,
                  rating_bayesian);
