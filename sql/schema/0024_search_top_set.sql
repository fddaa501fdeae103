-- 0024_search_top_set.sql: the best few per cent of the catalog by
-- stored score, with full-text indexes of their own, so that the best k
-- matches of a tier are found among a few hundred rows.
--
-- A search ranks by tiers (0016_search_tiers.sql): the best k of a tier
-- by stored score are found by walking the score index (catalog / n rows
-- for each kept, n the tier's matches) or by reading all n matches.  A
-- tier of a few thousand matches at a million services is the worst of
-- both: "torfenbri" (4,240 matches) walked 4,700 rows or read 4,240, 15
-- to 20 ms for one tier.
--
-- The top set is every listed service whose stored score is at least a
-- threshold, chosen so that it holds about share (3 %) of the catalog.
-- Since it is a prefix of the score index's order (rank_static DESC,
-- name, id), a tier's best k are its best k within the set whenever the
-- set holds k of its matches: read through the set's own indexes, that
-- is n * share rows (130 for "torfenbri"); with fewer, the search reads
-- the tier whole as before (cgi/search/list.c, q_tiers).
--
-- rank_top is that flag, kept by a trigger wherever the stored score is
-- written, and the threshold moves only in search_refresh_top()
-- (marketctl search-refresh), which writes the flag of every service
-- that crosses it.
CREATE TABLE search_top (
    only_row  boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    threshold double precision NOT NULL DEFAULT 'Infinity',
    share     double precision NOT NULL DEFAULT 0.03
              CHECK (share > 0 AND share <= 1)
);
INSERT INTO search_top DEFAULT VALUES;

ALTER TABLE services ADD COLUMN rank_top boolean NOT NULL DEFAULT false;

-- After services_rank (triggers run in the order of their names), which
-- computes the stored score; on every write of a service, whichever
-- column it names, so that the flag follows the score however the score
-- was written (a lookup of one row).
CREATE FUNCTION services_rank_top() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.rank_top := NEW.rank_static >= (SELECT threshold FROM search_top);
    RETURN NEW;
END $$;

CREATE TRIGGER services_rank_top BEFORE INSERT OR UPDATE ON services
    FOR EACH ROW EXECUTE FUNCTION services_rank_top();

-- The threshold for the current catalog: the stored score of the service
-- at share of the listed services in the score index's order (ties above
-- it make the set larger, never smaller): 0.3 s at a million services.
-- When it moves, the flag of every service that crosses it is written
-- (a pass over the table, 2 s more), writers of services waiting
-- meanwhile (a service written with the old threshold after the flags
-- were set would keep a wrong flag); readers do not wait.  When it
-- stays, the triggers have kept every flag.  Returns the flags written.
CREATE FUNCTION search_refresh_top() RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    want  bigint;
    theta double precision;
    n     bigint;
BEGIN
    SELECT greatest(1, ceil((SELECT share FROM search_top) * count(*)))
      INTO want
      FROM services WHERE status IN ('active', 'deprecated');
    SELECT s.rank_static INTO theta
      FROM services s
     WHERE s.status IN ('active', 'deprecated')
     ORDER BY s.rank_static DESC, s.name, s.id
    OFFSET want - 1 LIMIT 1;
    theta := coalesce(theta, 'Infinity');
    IF theta = (SELECT threshold FROM search_top) THEN
        RETURN 0;
    END IF;
    LOCK TABLE services IN SHARE ROW EXCLUSIVE MODE;
    UPDATE search_top SET threshold = theta;
    UPDATE services SET rank_top = NOT rank_top
     WHERE rank_top IS DISTINCT FROM (rank_static >= theta);
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END $$;

-- The set of the catalog already there.
SELECT search_refresh_top();

CREATE INDEX services_top_name_idx ON services USING gin (name_vector)
    WHERE rank_top;
CREATE INDEX services_top_head_idx ON services USING gin (head_vector)
    WHERE rank_top;
CREATE INDEX services_top_search_idx ON services USING gin (search_vector)
    WHERE rank_top;
