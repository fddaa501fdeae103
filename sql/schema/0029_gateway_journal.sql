-- 0029_gateway_journal.sql: usage records shipped from the gateway's
-- journals.
--
-- A gateway process makes each call's usage record durable in a file of
-- its own (one line of JSON, fdatasync shared by the calls of the same
-- moment) before its client hears of success, and ships the lines here
-- in batches, in order.  gateway_journals keeps how far each journal is
-- shipped, written in the same transaction as the records: a line
-- reaches usage_records exactly once, however often a batch is retried
-- (an answer lost after the commit) and whichever process ships it (the
-- journal of a process that died is shipped by the next one).
CREATE TABLE gateway_journals (
    name       text PRIMARY KEY CHECK (name ~ '^gateway-[0-9a-f]{16}$'),
    -- bytes of the journal whose records are in usage_records
    shipped    bigint NOT NULL CHECK (shipped >= 0),
    shipped_at timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE gateway_journals IS
    'How far each gateway journal file is in usage_records (bytes).';

-- Settles p_calls (as gateway_settle_batch) and moves the journal from
-- p_from to p_to bytes.  Refused ('MKJ01') when the journal is not at
-- p_from: that batch, or part of it, is in already; the gateway then
-- reads where the journal is and goes on from there.  p_calls may be
-- empty: the journal only moves (lines its process gave up on, whose
-- calls were settled here on the call instead).
CREATE FUNCTION gateway_ship(p_journal text, p_from bigint, p_to bigint,
                             p_calls json, p_several boolean)
RETURNS TABLE (ord integer, charged numeric, released boolean,
               counted bigint)
LANGUAGE plpgsql AS $$
DECLARE
    at bigint;
BEGIN
    INSERT INTO gateway_journals (name, shipped) VALUES (p_journal, 0)
        ON CONFLICT (name) DO NOTHING;
    SELECT j.shipped INTO at FROM gateway_journals j
     WHERE j.name = p_journal FOR UPDATE;
    IF at <> p_from OR p_to < p_from THEN
        RAISE EXCEPTION 'journal % is at byte %, not %', p_journal, at,
                        p_from
              USING ERRCODE = 'MKJ01';
    END IF;
    UPDATE gateway_journals SET shipped = p_to, shipped_at = now()
     WHERE name = p_journal;
    -- Not json_array_length(): that would parse every call once more.
    IF left(p_calls::text, 2) <> '[]' THEN
        RETURN QUERY SELECT * FROM gateway_settle_batch(p_calls, p_several);
    END IF;
END
$$;
