-- bench/generate.sql: synthetic services on top of the real demo catalog,
-- for the scale benchmark (bench/scale.sh, issue 5 "Scale and speed").
--
--   psql -v ON_ERROR_STOP=1 -v n=1000000 -f bench/generate.sql
--
-- (as the owner role, in the marketplace database; bench/scale.sh does it).
-- Variables: n (default 100000): the number of synthetic services wanted
-- in the end, counted, not added: a second run tops up to n, or does
-- nothing; batch (default 100000): services per transaction; providers
-- (default 2000): synthetic providers.
--
-- The content of synthetic service number i is a pure function of i (hash
-- of i, never random()): ids, words, prices and facets are the same on
-- every machine and whatever the batch size, so two loads of n services
-- are identical, and topping up 100,000 to 1,000,000 gives the same rows
-- as loading 1,000,000 at once.
--
-- What it writes:
--   * 2,000 synthetic organisations and providers (slug syn-pNNNN), about
--     one in five verified;
--   * n services (slug syn-NNNNNNN, status active, provenance
--     {"generator": "bench/generate.sql"}), 95 % from synthetic providers
--     (Zipf-like: a few big providers, a long tail), 5 % from the demo
--     catalog's providers;
--   * for each one current active version 1.0.0 with prices, context
--     window and output limit, and its line in version_history.
-- Vocabulary: about 20,000 words (field words such as chat, embeddings,
-- summarization, vision, reasoning, german, translation, code; generic
-- English words; and invented brand-like words for the long tail), drawn
-- with a Zipf distribution (exponent 1.1): at 1M services the first
-- words are in most descriptions, words of rank ~20 in 10 %, of rank ~100
-- in 2 %, of rank ~1,000 in 0.2 %, and the tail in fewer than 100.
-- Names: "<adjective> <word> <family> <size>b[ <variant>]", e.g. "Swift
-- Retrieval Llama 70b Instruct"; descriptions: 10 to 40 words.
--
-- The project's triggers on services run as for any insert (the search
-- vector, the stored ranking columns); service_versions_follow (which
-- would update each new service a second time) is disabled during the
-- load and its work done in bulk: the service is inserted active with its
-- current version, and the version's history line written.  Indexes of
-- services, service_versions and version_history that back no constraint
-- are dropped for a large load and rebuilt after it from their saved
-- definitions (bench.saved_indexes), so the final state has exactly the
-- project's indexes; an interrupted load leaves them saved, and the next
-- run rebuilds them first.  Each step's time goes to bench.load_log.
--
-- Everything the generator keeps for itself lives in the schema "bench".

\set ON_ERROR_STOP 1
\if :{?n}
\else
\set n 100000
\endif
\if :{?batch}
\else
\set batch 100000
\endif
\if :{?providers}
\else
\set providers 2000
\endif

SET client_min_messages = notice;
SET maintenance_work_mem = '1GB';
SET work_mem = '256MB';
SET synchronous_commit = off;

CREATE SCHEMA IF NOT EXISTS bench;

CREATE TABLE IF NOT EXISTS bench.load_log (
    id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    step    text NOT NULL,
    rows    bigint,
    seconds double precision NOT NULL
);

CREATE TABLE IF NOT EXISTS bench.saved_indexes (
    name       text PRIMARY KEY,
    table_name text NOT NULL,
    definition text NOT NULL
);

-- A uniform number in [0, 1) for synthetic service i and draw k.
CREATE OR REPLACE FUNCTION bench.u(i bigint, k integer)
RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT (hashint8extended(i * 4096 + k, 20240605) & 4294967295)::float8
           / 4294967296.0
$$;

-- One of the elements of a (uniformly) for service i, draw k.
CREATE OR REPLACE FUNCTION bench.pick(a text[], i bigint, k integer)
RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT a[1 + floor(bench.u(i, k) * cardinality(a))::int]
$$;

-- ---- the vocabulary ----
--
-- bench.vocab (rank, word): rank 1 is the most frequent.  bench.slots:
-- 2^20 slots, each word owning a share proportional to rank^-1.1; a draw
-- is a slot chosen by hash.

CREATE TABLE IF NOT EXISTS bench.vocab (
    rank integer PRIMARY KEY,
    word text NOT NULL UNIQUE,
    kind text NOT NULL          -- head, word, tail, invented
);
CREATE TABLE IF NOT EXISTS bench.slots (
    slot integer PRIMARY KEY,
    rank integer NOT NULL
);

DO $vocab$
DECLARE
    head text := $w$
        model fast support tokens quality text open context api efficient
        chat instruct accurate latency enterprise general tuned output
        input production code reasoning translation summarization
        multilingual small large cost inference hosted throughput vision
        embeddings analysis documents agents retrieval search structured
        safety streaming function extraction classification question
        answering german english french spanish customer service domain
        legal medical finance scientific math creative writing dialogue
        memory window compact distilled quantized optimized robust
        reliable secure private deployment cloud edge mobile batch
        realtime audio speech image video ocr tables charts sql python
        javascript rust java review completion planning tools browsing
        sentiment entity recognition paraphrase grammar tutoring
    $w$;
    words text := $w$
        accounting adapter advanced advertising agriculture alignment
        analytics annotation anomaly archive assistant attention
        automation automotive aviation backend balanced banking baseline
        benchmark billing biology blockchain brainstorming budget
        captioning catalog chemistry citation claims clinical clustering
        coaching cognitive commerce compliance compression conversion
        copywriting correction corpus creative critique curriculum
        dashboard debugging decoder dense diagnosis diagram diffusion
        discovery drafting economics education email encoder energy
        engineering evaluation events exam expert explanation factual
        feedback filtering forecasting formal forms fraud gaming
        generalist genomics geography governance graph grounded hardware
        healthcare helpdesk history hybrid indexing insurance intent
        interview inventory invoice journalism knowledge labeling
        lightweight linguistics localization logistics logs long
        manufacturing mapping marketing matching mentor messaging
        metadata migration mining moderation monitoring music narrative
        negotiation news notebook nutrition onboarding ontology
        operations outline patents payments pharmacy physics pipeline
        poetry policy pricing procurement product programming proofing
        psychology publishing qualifier quantum ranking recipes recruiting
        regulation reporting research resume retail robotics routing
        sales sandbox scheduling schema scoring screenplay security
        semantic shipping simulation slides social software sparse
        spreadsheet statistics storytelling strategy subtitles supply
        support synthesis taxonomy telecom templates testing therapy
        ticketing timeline trading training transcripts travel triage
        tutorial underwriting validation vector verification warehouse
        weather wiki workflow zero arabic chinese japanese korean hindi
        italian portuguese dutch polish turkish swedish russian
        vietnamese thai indonesian greek czech romanian hungarian
        finnish danish norwegian hebrew ukrainian bengali urdu swahili
        tamil persian malay filipino catalan basque galician welsh irish
        icelandic estonian latvian serbian croatian slovak slovenian
        bulgarian macedonian albanian georgian armenian kazakh uzbek
        mongolian nepali sinhala khmer burmese lao amharic yoruba zulu
        xhosa igbo hausa somali pashto kurdish tajik kyrgyz turkmen
        azerbaijani belarusian maltese luxembourgish faroese breton
        cornish
    $w$;
    tail text := $w$
        cuneiform numismatics oceanography hydrology palynology
        dendrology speleology vexillology glaciology ichthyology
        lepidoptery mycology ornithology paleography philately
        seismology toponymy volcanology apiculture horology calligraphy
        cartography enology falconry herpetology limnology metallurgy
        orthodontics papyrology petrology sericulture taxidermy
        viticulture zymology gemology heraldry kinesiology lexicography
        meteoritics
    $w$;
    syl text[] := '{ka,ro,ve,lin,tar,mo,shi,dex,qua,ne,bri,zo,fen,lu,tor,
                    vi,sa,gor,ple,ix,dra,mu,kel,no,pha,ri,sten,ul,yar,bo,
                    cen,ga,hul,jo,mir,nox,pel,ru,tis,wen}';
    total integer := 20000;
    s     double precision := 1.1;
    nslot integer := 1048576;
BEGIN
    IF (SELECT count(*) FROM bench.vocab) = total
       AND (SELECT count(*) FROM bench.slots) = nslot THEN
        RETURN;
    END IF;
    TRUNCATE bench.vocab, bench.slots;
    -- Order keys: the head first, the other real words spread one in
    -- twenty through the invented ones, the tail words far down.
    CREATE TEMP TABLE vocab_keys ON COMMIT DROP AS
    SELECT DISTINCT ON (word) word, key, kind FROM (
        SELECT w AS word, n::numeric AS key, 'head' AS kind
        FROM regexp_split_to_table(btrim(head, E' \n'), '\s+')
             WITH ORDINALITY t (w, n)
        UNION ALL
        SELECT w, 120 + n * 20 + 0.5, 'word'
        FROM regexp_split_to_table(btrim(words, E' \n'), '\s+')
             WITH ORDINALITY t (w, n)
        UNION ALL
        SELECT w, 15000 + n * 100 + 0.5, 'tail'
        FROM regexp_split_to_table(btrim(tail, E' \n'), '\s+')
             WITH ORDINALITY t (w, n)
        UNION ALL
        -- Invented words: three syllables, in a scattered order
        -- (7919 is prime to 40^3), so that neighbours in rank share no
        -- prefix.
        SELECT syl[1 + m / 1600] || syl[1 + m / 40 % 40] || syl[1 + m % 40],
               120 + j, 'invented'
        FROM generate_series(1, 40000) j,
             LATERAL (SELECT (j * 7919) % 64000 AS m) x) k
    ORDER BY word, key;
    INSERT INTO bench.vocab (rank, word, kind)
    SELECT r, word, kind FROM (
        SELECT row_number() OVER (ORDER BY key, word) AS r, word, kind
        FROM vocab_keys) x
    WHERE r <= total;
    -- Slots: word of rank r owns [cum(r-1), cum(r)) of nslot.
    INSERT INTO bench.slots (slot, rank)
    SELECT g, rank FROM (
        SELECT rank,
               floor(nslot * coalesce(sum(p) OVER (ORDER BY rank ROWS BETWEEN
                     UNBOUNDED PRECEDING AND 1 PRECEDING), 0) / tot)::int AS lo,
               floor(nslot * sum(p) OVER (ORDER BY rank) / tot)::int AS hi
        FROM (SELECT rank, power(rank, -s) AS p,
                     sum(power(rank, -s)) OVER () AS tot
              FROM bench.vocab) v) x,
         generate_series(lo, hi - 1) g;
    ANALYZE bench.vocab;
    ANALYZE bench.slots;
END
$vocab$;

-- ---- providers ----

CREATE OR REPLACE PROCEDURE bench.providers(want integer)
LANGUAGE plpgsql AS $$
DECLARE
    t0 timestamptz := clock_timestamp();
    firsts text[] := '{Aster,Beacon,Cobalt,Delta,Ember,Fjord,Granite,Harbor,
        Iris,Juniper,Kestrel,Lumen,Meridian,Nimbus,Onyx,Pioneer,Quartz,
        Raven,Summit,Tundra,Umbra,Vertex,Willow,Xenon,Yonder,Zephyr}';
    seconds text[] := '{AI,Labs,Systems,Intelligence,Cloud,Analytics,
        Models,Research,Data,Compute,Works,Dynamics}';
BEGIN
    INSERT INTO organizations (id, slug, name)
    SELECT md5('syn-org-' || i)::uuid, format('syn-o%s', lpad(i::text, 4, '0')),
           format('%s %s %s', bench.pick(firsts, -i, 1),
                  bench.pick(seconds, -i, 2), i)
    FROM generate_series(1, want) i
    ON CONFLICT (slug) DO NOTHING;
    INSERT INTO providers (id, organization_id, slug, name, homepage,
                           verified)
    SELECT md5('syn-provider-' || i)::uuid, md5('syn-org-' || i)::uuid,
           format('syn-p%s', lpad(i::text, 4, '0')),
           format('%s %s %s', bench.pick(firsts, -i, 1),
                  bench.pick(seconds, -i, 2), i),
           format('https://syn-p%s.provider.example', lpad(i::text, 4, '0')),
           bench.u(-i, 3) < 0.2
    FROM generate_series(1, want) i
    ON CONFLICT (slug) DO NOTHING;
    -- The providers a service is drawn from: synthetic ones by number,
    -- then the demo catalog's in slug order.
    DROP TABLE IF EXISTS bench.provider_pool;
    CREATE TABLE bench.provider_pool AS
    SELECT row_number() OVER (ORDER BY slug) AS k, id, slug, false AS synthetic
    FROM providers WHERE slug !~ '^syn-p[0-9]+$';
    INSERT INTO bench.provider_pool
    SELECT -i, md5('syn-provider-' || i)::uuid,
           format('syn-p%s', lpad(i::text, 4, '0')), true
    FROM generate_series(1, want) i;
    CREATE UNIQUE INDEX ON bench.provider_pool (k);
    ANALYZE bench.provider_pool;
    INSERT INTO bench.load_log (step, rows, seconds)
    VALUES ('providers', want,
            extract(epoch FROM clock_timestamp() - t0));
END $$;

-- ---- indexes: save and drop, rebuild ----

CREATE OR REPLACE PROCEDURE bench.drop_indexes()
LANGUAGE plpgsql AS $$
DECLARE
    r record;
BEGIN
    FOR r IN
        SELECT i.indexrelid::regclass::text AS name,
               i.indrelid::regclass::text AS tbl,
               pg_get_indexdef(i.indexrelid) AS def
        FROM pg_index i
        WHERE i.indrelid IN ('services'::regclass,
                             'service_versions'::regclass,
                             'version_history'::regclass)
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                          WHERE c.conindid = i.indexrelid)
    LOOP
        INSERT INTO bench.saved_indexes VALUES (r.name, r.tbl, r.def)
        ON CONFLICT (name) DO NOTHING;
        EXECUTE format('DROP INDEX %s', r.name);
        RAISE NOTICE 'dropped index % for the load', r.name;
    END LOOP;
END $$;

-- Rebuilds every saved index that is missing, one transaction each,
-- timing each build.
CREATE OR REPLACE PROCEDURE bench.rebuild_indexes()
LANGUAGE plpgsql AS $$
DECLARE
    r  record;
    t0 timestamptz;
    n  integer := 0;
BEGIN
    FOR r IN SELECT name, table_name, definition FROM bench.saved_indexes
             ORDER BY table_name, name
    LOOP
        IF to_regclass(r.name) IS NULL THEN
            t0 := clock_timestamp();
            RAISE NOTICE '% building index % ...',
                to_char(clock_timestamp(), 'HH24:MI:SS'), r.name;
            EXECUTE r.definition;
            INSERT INTO bench.load_log (step, rows, seconds)
            VALUES ('index ' || r.name,
                    (SELECT reltuples::bigint FROM pg_class
                     WHERE oid = r.table_name::regclass),
                    extract(epoch FROM clock_timestamp() - t0));
            RAISE NOTICE '% built index % in % s',
                to_char(clock_timestamp(), 'HH24:MI:SS'), r.name,
                round(extract(epoch FROM clock_timestamp() - t0)::numeric, 1);
            n := n + 1;
        END IF;
        DELETE FROM bench.saved_indexes WHERE name = r.name;
        COMMIT;
    END LOOP;
END $$;

-- ---- services and versions, one batch ----

CREATE OR REPLACE PROCEDURE bench.load_batch(lo bigint, hi bigint)
LANGUAGE plpgsql AS $$
DECLARE
    nprov  integer := (SELECT count(*) FROM bench.provider_pool
                       WHERE synthetic);
    ndemo  integer := (SELECT count(*) FROM bench.provider_pool
                       WHERE NOT synthetic);
    nslot  integer := (SELECT count(*) FROM bench.slots);
    adjs   text[] := '{swift,bright,tiny,grand,nimble,clever,silent,bold,
        lucid,vivid,steady,agile,keen,noble,brisk,calm,deep,prime,rapid,
        sharp,smart,solid,sturdy,subtle,sunny,wise,young,ancient,atomic,
        cosmic,crystal,golden,hidden,iron,lunar,polar,quiet,royal,silver,
        solar,stellar,urban,wild,amber,azure,crimson,emerald,indigo,ivory,
        jade,scarlet,violet,arctic,coastal,desert,alpine,boreal,tropic,
        northern,southern}';
    sizes  text[] := '{0.5b,1b,1.5b,3b,7b,7b,8b,8b,13b,14b,32b,34b,70b,70b,
        72b,110b,405b}';
    variants text[] := '{"","","","","",instruct,instruct,chat,turbo,mini,
        pro,v2,v3,preview,lite}';
BEGIN
    -- One row per service with every drawn figure.
    CREATE TEMP TABLE syn_batch ON COMMIT DROP AS
    WITH base AS (
        SELECT i,
               md5('syn-service-' || i)::uuid AS id,
               md5('syn-version-' || i)::uuid AS vid,
               bench.u(i, 1) AS u_cat,
               bench.u(i, 2) AS u_prov,
               10 + floor(bench.u(i, 3) * 31)::int AS nwords
        FROM generate_series(lo, hi) i),
    cat AS (
        SELECT b.*, CASE
            WHEN u_cat < 0.58 THEN 'text-generation'
            WHEN u_cat < 0.72 THEN 'embeddings'
            WHEN u_cat < 0.79 THEN 'image-generation'
            WHEN u_cat < 0.84 THEN 'speech-to-text'
            WHEN u_cat < 0.88 THEN 'text-to-speech'
            WHEN u_cat < 0.92 THEN 'reranking'
            WHEN u_cat < 0.95 THEN 'moderation'
            ELSE 'other' END AS category
        FROM base b),
    descr AS (
        SELECT b.i, string_agg(v.word, ' ' ORDER BY g.pos) AS words
        FROM base b
        CROSS JOIN LATERAL generate_series(1, b.nwords) g (pos)
        JOIN bench.slots sl
          ON sl.slot = floor(bench.u(b.i, 100 + g.pos) * nslot)::int
        JOIN bench.vocab v ON v.rank = sl.rank
        GROUP BY b.i),
    nameword AS (
        SELECT b.i, v.word
        FROM base b
        JOIN bench.slots sl ON sl.slot = floor(bench.u(b.i, 4) * nslot)::int
        JOIN bench.vocab v ON v.rank = sl.rank)
    SELECT c.i, c.id, c.vid, c.category,
           -- providers: Zipf-like over the synthetic ones (rank about
           -- exp(u ln n)), or one of the demo catalog's
           CASE WHEN c.u_prov < 0.05 AND ndemo > 0
                THEN 1 + floor(bench.u(c.i, 5) * ndemo)::int
                ELSE -least(nprov, floor(exp(bench.u(c.i, 5)
                                        * ln(nprov + 1)))::int)
           END AS pk,
           initcap(bench.pick(adjs, c.i, 6)) || ' ' || initcap(nw.word)
             || ' ' || initcap(bench.pick(CASE c.category
                WHEN 'text-generation' THEN '{llama,mistral,qwen,gemma,phi,
                    falcon,mixtral,deepseek,olmo,granite,nemotron,yi,
                    command,jamba,solar,starling,zephyr,vicuna,orca,hermes}'::text[]
                WHEN 'embeddings' THEN '{bge,e5,gte,nomic,jina,minilm,mpnet,
                    instructor,arctic,stella}'::text[]
                WHEN 'image-generation' THEN '{flux,sdxl,kandinsky,pixart,
                    playground,dalle,imagen,midas}'::text[]
                WHEN 'speech-to-text' THEN '{whisper,canary,parakeet,wav2vec,
                    conformer}'::text[]
                WHEN 'text-to-speech' THEN '{bark,piper,xtts,tortoise,
                    parler,styletts}'::text[]
                WHEN 'reranking' THEN '{colbert,monot5,cohere,bge,
                    mxbai}'::text[]
                WHEN 'moderation' THEN '{guard,shield,sentinel,
                    warden}'::text[]
                ELSE '{atlas,orbit,prism,nova,pulse}'::text[] END, c.i, 7))
             || ' ' || bench.pick(sizes, c.i, 8)
             || rtrim(' ' || bench.pick(variants, c.i, 9)) AS name,
           initcap(left(d.words, 1)) || substr(d.words, 2) || '.'
             AS description,
           -- context window, output limit and prices by category
           CASE WHEN c.category = 'text-generation' THEN (ARRAY[8192,
                    16384, 32768, 32768, 65536, 128000, 128000, 128000,
                    200000, 200000, 1000000, 2000000])[1 + floor(
                    bench.u(c.i, 10) * 12)::int]
                WHEN c.category IN ('embeddings', 'reranking') THEN
                    (ARRAY[512, 8192, 8192, 32000])[1 + floor(
                    bench.u(c.i, 10) * 4)::int]
           END AS context_window,
           CASE WHEN c.category = 'text-generation' THEN (ARRAY[2048,
                    4096, 8192, 16384, 32768])[1 + floor(
                    bench.u(c.i, 11) * 5)::int]
           END AS max_output,
           CASE WHEN c.category NOT IN ('image-generation') THEN
                round(exp(ln(0.01) + bench.u(c.i, 12) * ln(3000))::numeric, 4)
           END AS input_price,
           1 + floor(bench.u(c.i, 13) * 5)::int AS output_factor,
           CASE WHEN c.category = 'image-generation' THEN
                round((0.005 + bench.u(c.i, 14) * 0.2)::numeric, 4)
           END AS per_request,
           CASE WHEN bench.u(c.i, 15) < 0.90 THEN 'public'
                WHEN bench.u(c.i, 15) < 0.97 THEN 'internal'
                ELSE 'confidential' END AS level,
           bench.u(c.i, 16) AS u_cert,
           bench.u(c.i, 17) AS u_res,
           (ARRAY[300, 500, 800, 1000, 2000, 2000, 5000, 10000, 30000])[1
             + floor(bench.u(c.i, 18) * 9)::int] AS max_latency,
           now() - make_interval(secs => bench.u(c.i, 19) * 730 * 86400)
             AS published_at
    FROM cat c
    JOIN descr d ON d.i = c.i
    JOIN nameword nw ON nw.i = c.i;

    -- The current version's price and context window are copied onto the
    -- service (0023_search_listing_copies.sql); given here, since the
    -- version is written after the service.
    INSERT INTO services (id, provider_id, slug, name, description, category,
        tags, capabilities, mode, endpoint, sla, compliance_level,
        certifications, data_residency, status, current_version_id,
        current_input_price, current_context_window,
        training_use, data_retention_days, provenance, created_at,
        updated_at)
    SELECT b.id, pp.id, format('syn-%s', lpad(b.i::text, 7, '0')), b.name,
           b.description, b.category, t.tags,
           (SELECT coalesce(jsonb_agg(jsonb_build_object('name', x)), '[]')
            FROM unnest(t.tags) x),
           CASE b.category WHEN 'text-generation' THEN 'chat'
                WHEN 'embeddings' THEN 'embedding'
                WHEN 'image-generation' THEN 'image_generation'
                WHEN 'speech-to-text' THEN 'audio_transcription'
                WHEN 'text-to-speech' THEN 'audio_speech'
                WHEN 'reranking' THEN 'rerank'
                WHEN 'moderation' THEN 'moderation' END,
           jsonb_build_object('url', format('https://%s.provider.example/v1',
                                            pp.slug),
                              'protocol', 'openai', 'auth_method', 'bearer'),
           jsonb_build_object('max_latency_ms', b.max_latency,
                              'availability_pct',
                              CASE WHEN b.max_latency <= 1000 THEN '99.9'
                                   ELSE '99.5' END),
           b.level,
           CASE WHEN b.level = 'confidential' THEN
                    CASE WHEN b.u_cert < 0.5 THEN '{SOC2}'
                         WHEN b.u_cert < 0.8 THEN '{ISO27001}'
                         ELSE '{SOC2,ISO27001,GDPR}' END
                WHEN b.u_cert < 0.15 THEN '{SOC2}'
                WHEN b.u_cert < 0.22 THEN '{ISO27001}'
                WHEN b.u_cert < 0.27 THEN '{SOC2,ISO27001}'
                WHEN b.u_cert < 0.30 THEN '{HIPAA,SOC2}'
                WHEN b.u_cert < 0.35 THEN '{GDPR}'
                ELSE '{}' END::text[],
           CASE WHEN b.u_res < 0.45 THEN '{}'
                WHEN b.u_res < 0.65 THEN '{EU}'
                WHEN b.u_res < 0.73 THEN '{DE}'
                WHEN b.u_res < 0.88 THEN '{US}'
                WHEN b.u_res < 0.93 THEN '{US,EU}'
                WHEN b.u_res < 0.96 THEN '{GB}'
                WHEN b.u_res < 0.98 THEN '{CH}'
                ELSE '{FR}' END::text[],
           'active', b.vid, b.input_price, b.context_window, false,
           CASE WHEN b.u_res < 0.5 THEN 30 END,
           jsonb_build_object('generator', 'bench/generate.sql', 'n', b.i),
           b.published_at, b.published_at
    FROM syn_batch b
    JOIN bench.provider_pool pp ON pp.k = b.pk
    CROSS JOIN LATERAL (
        SELECT ARRAY(
            SELECT tag FROM (VALUES
                (1, 'function-calling', 0.35), (2, 'tool-choice', 0.20),
                (3, 'structured-output', 0.25), (4, 'vision', 0.18),
                (5, 'reasoning', 0.12), (6, 'prompt-caching', 0.08),
                (7, 'code', 0.10), (8, 'english', 0.12),
                (9, 'multilingual', 0.10), (10, 'german', 0.05),
                (11, 'french', 0.03), (12, 'web-search', 0.03),
                (13, 'pdf-input', 0.04), (14, 'audio-input', 0.02),
                (15, 'finance', 0.008), (16, 'legal', 0.005),
                (17, 'medical', 0.005), (18, 'long-context', 0)) tg (k, tag, p)
            WHERE bench.u(b.i, 200 + tg.k) < tg.p
               OR (tg.tag = 'long-context' AND b.context_window >= 128000)
            ORDER BY tg.k) AS tags) t;

    INSERT INTO service_versions (id, service_id, version, status, currency,
        input_price_per_mtok, output_price_per_mtok,
        cached_input_price_per_mtok, price_per_request, context_window,
        max_output_tokens, published_at, created_at, changelog)
    SELECT b.vid, b.id, '1.0.0', 'active', 'USD', b.input_price,
           CASE WHEN b.category IN ('text-generation', 'other')
                THEN b.input_price * b.output_factor END,
           CASE WHEN b.category = 'text-generation'
                 AND bench.u(b.i, 20) < 0.3
                THEN round(b.input_price / 4, 6) END,
           b.per_request, b.context_window, b.max_output, b.published_at,
           b.published_at, 'Synthetic service for the scale benchmark.'
    FROM syn_batch b;

    INSERT INTO version_history (version_id, at, from_status, to_status,
                                 reason)
    SELECT b.vid, b.published_at, NULL, 'active',
           'synthetic service for the scale benchmark (bench/generate.sql)'
    FROM syn_batch b;
END $$;

-- ---- the whole load ----

CREATE OR REPLACE PROCEDURE bench.generate(want bigint, batch integer,
                                           nproviders integer)
LANGUAGE plpgsql AS $$
DECLARE
    have   bigint;
    lo     bigint;
    hi     bigint;
    t0     timestamptz;
    tall   timestamptz := clock_timestamp();
    drop_i boolean;
BEGIN
    -- An earlier load that stopped half-way: finish its indexes first.
    ALTER TABLE service_versions ENABLE TRIGGER service_versions_follow;
    COMMIT;
    CALL bench.rebuild_indexes();
    SELECT coalesce(max(substr(slug, 5)::bigint), 0) INTO have
    FROM services WHERE slug ~ '^syn-[0-9]{7}$';
    IF have >= want THEN
        RAISE NOTICE '% synthetic services already there (wanted %): '
            'nothing to load', have, want;
        RETURN;
    END IF;
    RAISE NOTICE '% loading synthetic services % to % in batches of %',
        to_char(clock_timestamp(), 'HH24:MI:SS'), have + 1, want, batch;
    CALL bench.providers(nproviders);
    COMMIT;
    drop_i := want - have >= 50000;
    IF drop_i THEN
        CALL bench.drop_indexes();
    END IF;
    ALTER TABLE service_versions DISABLE TRIGGER service_versions_follow;
    COMMIT;
    t0 := clock_timestamp();
    lo := have + 1;
    WHILE lo <= want LOOP
        hi := least(want, lo + batch - 1);
        CALL bench.load_batch(lo, hi);
        COMMIT;
        RAISE NOTICE '%   % / % services (% s, % services/s)',
            to_char(clock_timestamp(), 'HH24:MI:SS'), hi, want,
            round(extract(epoch FROM clock_timestamp() - t0)::numeric, 1),
            round((hi - have) / greatest(0.001,
                  extract(epoch FROM clock_timestamp() - t0))::numeric);
        lo := hi + 1;
    END LOOP;
    INSERT INTO bench.load_log (step, rows, seconds)
    VALUES ('services and versions', want - have,
            extract(epoch FROM clock_timestamp() - t0));
    ALTER TABLE service_versions ENABLE TRIGGER service_versions_follow;
    COMMIT;
    CALL bench.rebuild_indexes();
    t0 := clock_timestamp();
    RAISE NOTICE '% analyzing', to_char(clock_timestamp(), 'HH24:MI:SS');
    ANALYZE services;
    ANALYZE service_versions;
    ANALYZE providers;
    INSERT INTO bench.load_log (step, rows, seconds)
    VALUES ('analyze', NULL, extract(epoch FROM clock_timestamp() - t0));
    INSERT INTO bench.load_log (step, rows, seconds)
    VALUES ('generate total', want - have,
            extract(epoch FROM clock_timestamp() - tall));
    RAISE NOTICE '% loaded % services in % s',
        to_char(clock_timestamp(), 'HH24:MI:SS'), want - have,
        round(extract(epoch FROM clock_timestamp() - tall)::numeric, 1);
END $$;

-- Sizes of what search reads.
DROP VIEW IF EXISTS bench.sizes;
CREATE VIEW bench.sizes AS
    SELECT c.relname AS relation,
           CASE c.relkind WHEN 'i' THEN 'index' WHEN 'm' THEN 'matview'
                ELSE 'table' END AS kind,
           coalesce(i.indrelid::regclass::text, '') AS of_table,
           pg_relation_size(c.oid) AS bytes,
           pg_size_pretty(pg_relation_size(c.oid)) AS size,
           CASE WHEN c.relkind IN ('r', 'm')
                THEN pg_size_pretty(pg_total_relation_size(c.oid)) END
             AS with_toast_and_indexes
    FROM pg_class c
    LEFT JOIN pg_index i ON i.indexrelid = c.oid
    -- Names as text, not regclass constants: a view depending on the
    -- tables would stop a later migration from dropping one of them.
    WHERE c.relnamespace = 'public'::regnamespace
      AND (c.relname IN ('services', 'search_vocabulary', 'service_versions')
           OR i.indrelid::regclass::text IN ('services', 'search_vocabulary',
                                             'service_versions'));

\echo generating :n synthetic services (batch :batch, :providers providers)
\timing on
CALL bench.generate(:n, :batch, :providers);
\timing off
SELECT count(*) AS services,
       count(*) FILTER (WHERE slug ~ '^syn-[0-9]{7}$') AS synthetic
FROM services;
SELECT step, rows, round(seconds::numeric, 1) AS seconds
FROM bench.load_log
WHERE at >= (SELECT max(at) FROM bench.load_log WHERE step = 'providers')
ORDER BY id;
SELECT relation, kind, of_table, size, with_toast_and_indexes
FROM bench.sizes ORDER BY kind DESC, of_table, bytes DESC;
