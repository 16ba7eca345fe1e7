CREATE OR REPLACE FUNCTION additional_work_emit() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    item jsonb := jsonb_build_object('id', NEW.id, 'description', NEW.description,
                                     'amount', NEW.amount::text, 'currency', NEW.currency);
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
DROP INDEX additional_work_task_id_idx;
DROP INDEX jobs_org_awarded_created_at_id_idx;
DROP INDEX jobs_awarded_created_at_id_idx;
DROP TRIGGER jobs_quote_frozen ON jobs;
DROP FUNCTION jobs_quote_frozen();
DROP TRIGGER jobs_currency_frozen ON jobs;
DROP FUNCTION jobs_currency_frozen();
DROP TRIGGER contract_terms_frozen ON contract_terms;
DROP FUNCTION contract_terms_frozen();
DROP TRIGGER tasks_contract_frozen ON tasks;
DROP FUNCTION tasks_contract_frozen();
DROP FUNCTION contract_frozen(text);
ALTER TABLE additional_work
    DROP CONSTRAINT additional_work_amount_is_price,
    DROP CONSTRAINT additional_work_number_key,
    DROP CONSTRAINT additional_work_task_id_fkey,
    DROP COLUMN fx_usd_per_unit, DROP COLUMN price, DROP COLUMN respond_by,
    DROP COLUMN blocking, DROP COLUMN time_impact_days, DROP COLUMN task_id,
    DROP COLUMN origin, DROP COLUMN number, DROP COLUMN seq;
ALTER TABLE tasks
    DROP CONSTRAINT tasks_item_number_key,
    DROP COLUMN price_amount, DROP COLUMN price, DROP COLUMN supplied_by,
    DROP COLUMN sfi_code, DROP COLUMN item_number;
DROP TABLE tariff_modifiers;
DROP TABLE tariff_items;
DROP TABLE contract_terms;
DROP FUNCTION payment_terms_percent(jsonb);
ALTER TABLE jobs
    DROP CONSTRAINT jobs_awarded_when_approved,
    DROP CONSTRAINT jobs_quote_in_contract_currency,
    DROP CONSTRAINT jobs_currency_code,
    DROP COLUMN contract_redelivery, DROP COLUMN award_fx_usd_per_unit, DROP COLUMN awarded_at,
    DROP COLUMN quote_discount_percent, DROP COLUMN currency;
ALTER TABLE organizations DROP COLUMN currency;
DROP FUNCTION usd_per_unit(text, date);
