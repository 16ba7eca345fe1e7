-- SPEC section 9: the repair contract and its money. A job has a contract currency; an
-- organisation the currency it budgets in. The yard's tariff and its surcharges price
-- spec items (tasks) and variations (additional work) as lines that repeat their inputs.
-- The award (quoted -> approved) fixes the contract: from then on the terms, the tasks'
-- prices and who supplies their material do not change, whatever writes the rows.

-- The latest rate on or before a day (USD itself is 1); NULL where there is none.
CREATE FUNCTION usd_per_unit(p_currency text, p_day date) RETURNS numeric
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN p_currency = 'USD' THEN 1::numeric ELSE
        (SELECT r.usd_per_unit FROM fx_rates r
          WHERE r.currency = p_currency AND r.valid_from <= p_day
          ORDER BY r.valid_from DESC LIMIT 1) END
$$;

ALTER TABLE organizations
    ADD COLUMN currency text NOT NULL DEFAULT 'USD' CHECK (currency ~ '^[A-Z]{3}$');

ALTER TABLE jobs
    ADD COLUMN currency text,
    ADD COLUMN quote_discount_percent numeric(5, 2)
        CHECK (quote_discount_percent >= 0 AND quote_discount_percent <= 100),
    ADD COLUMN awarded_at timestamptz,
    ADD COLUMN award_fx_usd_per_unit numeric(20, 10) CHECK (award_fx_usd_per_unit > 0),
    ADD COLUMN contract_redelivery date;
UPDATE jobs SET currency = coalesce(quote_currency, invoiced_currency, 'USD');
-- Jobs awarded before contracts were kept: the day of their approval.
UPDATE jobs j SET awarded_at = coalesce(
        (SELECT min(e.at) FROM job_events e WHERE e.job_id = j.id AND e.to_status = 'approved'),
        j.updated_at)
 WHERE j.status IN ('approved', 'scheduled', 'in_progress', 'on_hold', 'completed', 'closed')
    OR (j.status = 'cancelled'
        AND EXISTS (SELECT 1 FROM job_events e WHERE e.job_id = j.id AND e.to_status = 'approved'));
ALTER TABLE jobs
    ALTER COLUMN currency SET NOT NULL,
    ADD CONSTRAINT jobs_currency_code CHECK (currency ~ '^[A-Z]{3}$'),
    -- The quote is in the contract's currency.
    ADD CONSTRAINT jobs_quote_in_contract_currency
        CHECK (quote_currency IS NULL OR quote_currency = currency),
    -- Past the award a job has one; before it, none.
    ADD CONSTRAINT jobs_awarded_when_approved
        CHECK (CASE WHEN status IN ('requested', 'quoted') THEN awarded_at IS NULL
                    WHEN status = 'cancelled' THEN true
                    ELSE awarded_at IS NOT NULL END);

-- The contract's terms (REPAIRCON's boxes), put while the job is requested or quoted.
CREATE FUNCTION payment_terms_percent(terms jsonb) RETURNS numeric
LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(sum((t ->> 'percent')::numeric), 0) FROM jsonb_array_elements(terms) t
$$;

CREATE TABLE contract_terms (
    job_id                 uuid PRIMARY KEY REFERENCES jobs (id),
    -- NULL only where the award found no terms and no planned end to take it from.
    redelivery_date        date,
    guarantee_months       integer NOT NULL DEFAULT 3 CHECK (guarantee_months BETWEEN 0 AND 36),
    payment_terms          jsonb NOT NULL
        DEFAULT '[{"percent": "100", "due": "after_redelivery", "days": 30}]'
        CHECK (jsonb_typeof(payment_terms) = 'array' AND payment_terms_percent(payment_terms) = 100),
    delay_damages_per_day  numeric(14, 2) CHECK (delay_damages_per_day > 0),
    delay_damages_max      numeric(14, 2) CHECK (delay_damages_max > 0),
    response_hours         integer NOT NULL DEFAULT 48 CHECK (response_hours BETWEEN 1 AND 720),
    updated_at             timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT contract_terms_damages_both
        CHECK ((delay_damages_per_day IS NULL) = (delay_damages_max IS NULL))
);

-- The yard's price list and its surcharges.
CREATE TABLE tariff_items (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    code         text NOT NULL CONSTRAINT tariff_items_code_key UNIQUE
                     CHECK (code ~ '^[A-Z0-9-]{1,32}$'),
    description  text NOT NULL CHECK (length(btrim(description)) BETWEEN 1 AND 500),
    unit         text NOT NULL CHECK (unit IN ('t', 'kg', 'm', 'm2', 'm3', 'pcs', 'h', 'day', 'lot', 'set')),
    unit_price   numeric(14, 2) NOT NULL CHECK (unit_price >= 0),
    currency     text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    sfi_code     text CHECK (sfi_code ~ '^[1-8]([0-9]{2}|[0-9]{5})$'),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tariff_items_created_at_id_idx ON tariff_items (created_at, id);

CREATE TABLE tariff_modifiers (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    code         text NOT NULL CONSTRAINT tariff_modifiers_code_key UNIQUE
                     CHECK (code ~ '^[A-Z0-9-]{1,32}$'),
    description  text NOT NULL CHECK (length(btrim(description)) BETWEEN 1 AND 500),
    percent      numeric(6, 2) NOT NULL CHECK (percent > -100 AND percent <= 500),
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tariff_modifiers_created_at_id_idx ON tariff_modifiers (created_at, id);

-- Tasks are spec items. `price` is the priced line as answered (inputs, resolved unit
-- price, amount, currency); `price_amount` is its amount, derived, never written.
ALTER TABLE tasks
    ADD COLUMN item_number text CHECK (item_number ~ '^\S(.{0,18}\S)?$'),
    ADD COLUMN sfi_code text CHECK (sfi_code ~ '^[1-8]([0-9]{2}|[0-9]{5})$'),
    ADD COLUMN supplied_by text NOT NULL DEFAULT 'yard' CHECK (supplied_by IN ('yard', 'owner')),
    ADD COLUMN price jsonb CHECK (jsonb_typeof(price) = 'object'),
    ADD COLUMN price_amount numeric(14, 2)
        GENERATED ALWAYS AS ((price ->> 'amount')::numeric(14, 2)) STORED,
    ADD CONSTRAINT tasks_item_number_key UNIQUE (job_id, item_number);

-- Variations: additional work with a number, an origin, a spec item, a time impact, a
-- price and the rate its approval fixed.
ALTER TABLE additional_work
    ADD COLUMN seq integer,
    ADD COLUMN number text GENERATED ALWAYS AS (
        'V-' || CASE WHEN seq < 1000 THEN lpad(seq::text, 3, '0') ELSE seq::text END) STORED,
    ADD COLUMN origin text NOT NULL DEFAULT 'finding'
        CHECK (origin IN ('finding', 'owner_request', 'class_requirement')),
    ADD COLUMN task_id uuid,
    ADD COLUMN time_impact_days integer NOT NULL DEFAULT 0 CHECK (time_impact_days BETWEEN 0 AND 365),
    ADD COLUMN blocking boolean NOT NULL DEFAULT false,
    ADD COLUMN respond_by timestamptz,
    ADD COLUMN price jsonb CHECK (jsonb_typeof(price) = 'object'),
    ADD COLUMN fx_usd_per_unit numeric(20, 10) CHECK (fx_usd_per_unit > 0),
    ADD CONSTRAINT additional_work_task_id_fkey
        FOREIGN KEY (task_id, job_id) REFERENCES tasks (id, job_id);
UPDATE additional_work a SET seq = s.n, respond_by = a.created_at + interval '48 hours'
  FROM (SELECT id, row_number() OVER (PARTITION BY job_id ORDER BY created_at, id) AS n
          FROM additional_work) s
 WHERE s.id = a.id;
ALTER TABLE additional_work
    ALTER COLUMN seq SET NOT NULL,
    ALTER COLUMN respond_by SET NOT NULL,
    ADD CONSTRAINT additional_work_number_key UNIQUE (job_id, seq),
    -- A priced variation's amount is its line's.
    ADD CONSTRAINT additional_work_amount_is_price
        CHECK (price IS NULL OR (price ->> 'amount')::numeric = amount);

-- The contract is fixed at the award. Each rule raises `contract_frozen`, which the API
-- answers as 409 `contract-frozen`; the job row is read FOR SHARE, so a change waits for
-- an award in flight and is then judged against it.
CREATE FUNCTION contract_frozen(what text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the contract is fixed: %', what
        USING ERRCODE = 'check_violation', CONSTRAINT = 'contract_frozen';
END
$$;

CREATE FUNCTION tasks_contract_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    awarded boolean;
BEGIN
    SELECT j.awarded_at IS NOT NULL INTO awarded FROM jobs j WHERE j.id = NEW.job_id FOR SHARE;
    IF awarded AND TG_OP = 'INSERT' AND NEW.price IS NOT NULL THEN
        PERFORM contract_frozen('a task added after the award has no contract price');
    END IF;
    IF awarded AND TG_OP = 'UPDATE'
       AND (NEW.price IS DISTINCT FROM OLD.price OR NEW.supplied_by IS DISTINCT FROM OLD.supplied_by) THEN
        PERFORM contract_frozen('a spec item''s price and supply change through a variation');
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER tasks_contract_frozen BEFORE INSERT OR UPDATE OF price, supplied_by, job_id ON tasks
    FOR EACH ROW EXECUTE FUNCTION tasks_contract_frozen();

CREATE FUNCTION contract_terms_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    job_id uuid := CASE WHEN TG_OP = 'DELETE' THEN OLD.job_id ELSE NEW.job_id END;
    awarded boolean;
BEGIN
    SELECT j.awarded_at IS NOT NULL INTO awarded FROM jobs j WHERE j.id = job_id FOR SHARE;
    IF awarded THEN
        PERFORM contract_frozen('the terms were agreed at the award');
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;
CREATE TRIGGER contract_terms_frozen BEFORE INSERT OR UPDATE OR DELETE ON contract_terms
    FOR EACH ROW EXECUTE FUNCTION contract_terms_frozen();

-- The contract's currency changes only before the award and before any spec item is
-- priced in it.
CREATE FUNCTION jobs_currency_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.awarded_at IS NOT NULL
       OR EXISTS (SELECT 1 FROM tasks t WHERE t.job_id = NEW.id AND t.price IS NOT NULL) THEN
        PERFORM contract_frozen('the currency of priced spec items');
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER jobs_currency_frozen BEFORE UPDATE OF currency ON jobs
    FOR EACH ROW WHEN (NEW.currency IS DISTINCT FROM OLD.currency)
    EXECUTE FUNCTION jobs_currency_frozen();

-- The quote's overall discount is part of the contract too.
CREATE FUNCTION jobs_quote_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM contract_frozen('the approved quote');
    RETURN NEW;
END
$$;
CREATE TRIGGER jobs_quote_frozen BEFORE UPDATE OF quote_amount, quote_discount_percent ON jobs
    FOR EACH ROW WHEN (OLD.awarded_at IS NOT NULL
        AND (NEW.quote_amount IS DISTINCT FROM OLD.quote_amount
             OR NEW.quote_discount_percent IS DISTINCT FROM OLD.quote_discount_percent))
    EXECUTE FUNCTION jobs_quote_frozen();

-- The cost overview reads awarded jobs newest first, per organisation for clients.
CREATE INDEX jobs_awarded_created_at_id_idx ON jobs (created_at DESC, id DESC)
    WHERE awarded_at IS NOT NULL;
CREATE INDEX jobs_org_awarded_created_at_id_idx ON jobs (organization_id, created_at DESC, id DESC)
    WHERE awarded_at IS NOT NULL;
CREATE INDEX additional_work_task_id_idx ON additional_work (task_id) WHERE task_id IS NOT NULL;

-- A variation's event names its number, its time and its deadline too.
CREATE OR REPLACE FUNCTION additional_work_emit() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    item jsonb := jsonb_build_object('id', NEW.id, 'number', NEW.number,
                                     'description', NEW.description,
                                     'amount', NEW.amount::text, 'currency', NEW.currency,
                                     'origin', NEW.origin,
                                     'time_impact_days', NEW.time_impact_days,
                                     'blocking', NEW.blocking,
                                     'respond_by', rfc3339(NEW.respond_by));
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM emit_event('additional_work.proposed', NEW.job_id, item, false, true);
    ELSE
        PERFORM emit_event('additional_work.decided', NEW.job_id,
            item || jsonb_build_object('decision', NEW.status, 'note', NEW.decision_note),
            true, true);
    END IF;
    RETURN NULL;
END
$$;
