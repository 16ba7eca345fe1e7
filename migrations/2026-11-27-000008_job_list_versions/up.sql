-- A change counter per client organisation for its job list. Shipowners' offices read
-- their job list all day and it changes a few times an hour; the service keeps the pages
-- it served and, before serving one again, reads this one row: the same version means
-- no job of the organisation (nor a vessel shown beside one) has changed since, so the
-- page is still exactly what the query would return. Every request still asks
-- PostgreSQL, so a page is never stale, whichever instance served it first.
--
-- Triggers keep the counter whatever writes the jobs, including plain SQL past the API.
-- The bump is deferred to commit: the counter row is then the last lock a transaction
-- takes and is held only while it commits, so two transactions changing jobs of one
-- organisation cannot deadlock on it, and wait on each other only for a commit.
--
-- No foreign key: a counter must only ever go up, and a key would let a TRUNCATE ...
-- CASCADE of organisations empty this table and restart the counts.
CREATE TABLE job_list_versions (
    organization_id  uuid PRIMARY KEY,
    version          bigint NOT NULL
);

-- The bump is written out in each trigger function (plpgsql keeps its plan): a work log
-- pays for it at every commit, and a nested function call would cost another executor.
CREATE FUNCTION jobs_list_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO job_list_versions AS v (organization_id, version)
        VALUES (OLD.organization_id, 1)
        ON CONFLICT (organization_id) DO UPDATE SET version = v.version + 1;
    END IF;
    -- (The API never moves a job to another organisation; SQL that does bumps both.)
    IF TG_OP = 'INSERT'
       OR (TG_OP = 'UPDATE' AND NEW.organization_id IS DISTINCT FROM OLD.organization_id) THEN
        INSERT INTO job_list_versions AS v (organization_id, version)
        VALUES (NEW.organization_id, 1)
        ON CONFLICT (organization_id) DO UPDATE SET version = v.version + 1;
    END IF;
    RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER jobs_list_changed AFTER INSERT OR UPDATE OR DELETE ON jobs
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION jobs_list_changed();

-- A page of jobs shows each job's vessel by name and IMO number.
CREATE FUNCTION vessels_list_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    org uuid;
BEGIN
    -- In key order, so two renames cannot take two counters in opposite orders.
    FOR org IN SELECT DISTINCT organization_id FROM jobs WHERE vessel_id = NEW.id ORDER BY 1 LOOP
        INSERT INTO job_list_versions AS v (organization_id, version) VALUES (org, 1)
        ON CONFLICT (organization_id) DO UPDATE SET version = v.version + 1;
    END LOOP;
    RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER vessels_list_changed AFTER UPDATE OF name, imo_number ON vessels
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN ((OLD.name, OLD.imo_number) IS DISTINCT FROM (NEW.name, NEW.imo_number))
    EXECUTE FUNCTION vessels_list_changed();

-- Emptying the table changes every list. Counters only ever go up: a counter that went
-- back could match a page served before.
CREATE FUNCTION jobs_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE job_list_versions SET version = version + 1;
    RETURN NULL;
END
$$;

CREATE TRIGGER jobs_truncated AFTER TRUNCATE ON jobs
    FOR EACH STATEMENT EXECUTE FUNCTION jobs_truncated();
