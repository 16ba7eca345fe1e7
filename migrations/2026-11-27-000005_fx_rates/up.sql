-- Exchange rates for reporting in USD: one rate per currency and first valid day. A job
-- converts with the latest rate on or before the day it was closed.
CREATE TABLE fx_rates (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    currency      text NOT NULL CHECK (currency ~ '^[A-Z]{3}$' AND currency <> 'USD'),
    valid_from    date NOT NULL,
    usd_per_unit  numeric(20, 10) NOT NULL CHECK (usd_per_unit > 0),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT fx_rates_currency_valid_from_key UNIQUE (currency, valid_from)
);
CREATE INDEX fx_rates_created_at_id_idx ON fx_rates (created_at, id);

-- The trade-volume report reads closed jobs by close time.
CREATE INDEX jobs_closed_at_idx ON jobs (closed_at) WHERE status = 'closed';
-- The backlog reads unfinished jobs by planned end.
CREATE INDEX jobs_open_planned_end_idx ON jobs (planned_end)
    WHERE status NOT IN ('completed', 'closed', 'cancelled');
