-- 0007_visibility.sql: who may see a listed service, in one place for
-- every query that lists, counts or summarises services.
--
-- clearance (mkt_clearance() in C): 0 anonymous visitors see public
-- services; 1 anyone signed in (a member of the enterprise) also sees
-- internal ones; 2 administrators and auditors see everything.  A
-- confidential service is also visible to its provider's organisation.
-- A plain SQL expression, so the planner inlines it.
CREATE FUNCTION service_visible(level text, clearance integer,
                                owner_org uuid, reader_org uuid)
RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT level = 'public'
        OR (level = 'internal' AND clearance >= 1)
        OR clearance >= 2
        OR owner_org = reader_org
$$;
