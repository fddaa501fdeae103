-- 0005_erasure.sql: GDPR erasure of a person (art. 17).  The account is
-- pseudonymised in place (its id stays, so history keeps its shape), its
-- sessions go, and the personal data the audit trail recorded for it
-- (addresses, user agents in audit_log_pii) is deleted: the chain covers
-- only salted digests of those values, so it still verifies.  The
-- programs' role may call this, not delete from the side table itself.

CREATE FUNCTION erase_person(subject uuid) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    erased integer;
BEGIN
    UPDATE users SET email = 'erased-' || id || '@erased.invalid',
           display_name = 'Erased user', password_hash = NULL,
           oidc_subject = NULL, status = 'disabled', updated_at = now()
     WHERE id = subject;
    IF NOT FOUND THEN
        RETURN -1;
    END IF;
    DELETE FROM sessions WHERE user_id = subject;
    DELETE FROM audit_log_pii
     WHERE seq IN (SELECT seq FROM audit_log WHERE actor_id = subject);
    GET DIAGNOSTICS erased = ROW_COUNT;
    RETURN erased;
END
$$;

REVOKE ALL ON FUNCTION erase_person(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION erase_person(uuid) TO mkt_app;
