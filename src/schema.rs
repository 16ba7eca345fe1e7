// @generated automatically by Diesel CLI.

diesel::table! {
    additional_work (id) {
        id -> Uuid,
        job_id -> Uuid,
        description -> Text,
        amount -> Numeric,
        currency -> Text,
        status -> Text,
        decided_at -> Nullable<Timestamptz>,
        decided_by -> Nullable<Uuid>,
        decision_note -> Nullable<Text>,
        created_at -> Timestamptz,
        seq -> Int4,
        number -> Nullable<Text>,
        origin -> Text,
        task_id -> Nullable<Uuid>,
        time_impact_days -> Int4,
        blocking -> Bool,
        respond_by -> Timestamptz,
        price -> Nullable<Jsonb>,
        fx_usd_per_unit -> Nullable<Numeric>,
    }
}

diesel::table! {
    assignments (id) {
        id -> Uuid,
        task_id -> Uuid,
        technician_id -> Uuid,
        starts_at -> Timestamptz,
        ends_at -> Timestamptz,
        created_by -> Uuid,
        created_at -> Timestamptz,
        removed_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    attachments (id) {
        id -> Uuid,
        job_id -> Uuid,
        task_id -> Nullable<Uuid>,
        additional_work_id -> Nullable<Uuid>,
        work_log_id -> Nullable<Uuid>,
        file_name -> Text,
        content_type -> Text,
        size_bytes -> Int8,
        sha256 -> Text,
        has_thumbnail -> Bool,
        caption -> Nullable<Text>,
        uploaded_by -> Uuid,
        uploaded_by_role -> Text,
        uploaded_at -> Timestamptz,
    }
}

diesel::table! {
    calendar_feeds (token_hash) {
        token_hash -> Bytea,
        user_id -> Uuid,
        generation -> Int4,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    certification_types (id) {
        id -> Uuid,
        code -> Text,
        name -> Text,
        description -> Nullable<Text>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    contract_terms (job_id) {
        job_id -> Uuid,
        redelivery_date -> Nullable<Date>,
        guarantee_months -> Int4,
        payment_terms -> Jsonb,
        delay_damages_per_day -> Nullable<Numeric>,
        delay_damages_max -> Nullable<Numeric>,
        response_hours -> Int4,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    dock_bookings (id) {
        id -> Uuid,
        dock_id -> Uuid,
        vessel_id -> Uuid,
        job_id -> Nullable<Uuid>,
        starts_at -> Timestamptz,
        ends_at -> Timestamptz,
        notes -> Nullable<Text>,
        status -> Text,
        cancelled_at -> Nullable<Timestamptz>,
        created_by -> Uuid,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        sequence -> Int4,
    }
}

diesel::table! {
    docks (id) {
        id -> Uuid,
        name -> Text,
        kind -> Text,
        max_length_m -> Float8,
        max_beam_m -> Float8,
        max_draft_m -> Float8,
        lifting_capacity_t -> Nullable<Float8>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    fx_rates (id) {
        id -> Uuid,
        currency -> Text,
        valid_from -> Date,
        usd_per_unit -> Numeric,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    job_events (id) {
        id -> Uuid,
        job_id -> Uuid,
        at -> Timestamptz,
        kind -> Text,
        from_status -> Nullable<Text>,
        to_status -> Nullable<Text>,
        actor_id -> Uuid,
        actor_role -> Text,
        note -> Nullable<Text>,
    }
}

diesel::table! {
    job_list_versions (organization_id) {
        organization_id -> Uuid,
        version -> Int8,
    }
}

diesel::table! {
    job_number_counters (year) {
        year -> Int4,
        last_value -> Int4,
    }
}

diesel::table! {
    job_report_versions (job_id) {
        job_id -> Uuid,
        version -> Int8,
    }
}

diesel::table! {
    jobs (id) {
        id -> Uuid,
        number -> Text,
        vessel_id -> Uuid,
        organization_id -> Uuid,
        title -> Text,
        description -> Text,
        priority -> Text,
        status -> Text,
        requested_start -> Nullable<Timestamptz>,
        quote_amount -> Nullable<Numeric>,
        quote_currency -> Nullable<Text>,
        quote_valid_until -> Nullable<Date>,
        quote_note -> Nullable<Text>,
        planned_start -> Nullable<Timestamptz>,
        planned_end -> Nullable<Timestamptz>,
        invoiced_amount -> Nullable<Numeric>,
        invoiced_currency -> Nullable<Text>,
        closed_at -> Nullable<Timestamptz>,
        created_by -> Uuid,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        version -> Int4,
        additional_work_approved -> Numeric,
        progress_percent -> Float8,
        currency -> Text,
        quote_discount_percent -> Nullable<Numeric>,
        awarded_at -> Nullable<Timestamptz>,
        award_fx_usd_per_unit -> Nullable<Numeric>,
        contract_redelivery -> Nullable<Date>,
        completed_at -> Nullable<Timestamptz>,
        redelivery_at_risk_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    redelivery_entries (id) {
        id -> Uuid,
        job_id -> Uuid,
        at -> Timestamptz,
        days -> Int4,
        cause -> Text,
        additional_work_id -> Nullable<Uuid>,
        note -> Nullable<Text>,
        status -> Text,
        by_role -> Text,
        created_by -> Nullable<Uuid>,
        dispute_note -> Nullable<Text>,
        disputed_at -> Nullable<Timestamptz>,
        disputed_by -> Nullable<Uuid>,
        withdrawn_at -> Nullable<Timestamptz>,
        withdrawn_by -> Nullable<Uuid>,
    }
}

diesel::table! {
    login_failures (id) {
        id -> Int8,
        email_key -> Text,
        failed_at -> Timestamptz,
    }
}

diesel::table! {
    organizations (id) {
        id -> Uuid,
        name -> Text,
        country -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        currency -> Text,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> Uuid,
        user_id -> Uuid,
        family_id -> Uuid,
        token_hash -> Bytea,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
        rotated_at -> Nullable<Timestamptz>,
        revoked_at -> Nullable<Timestamptz>,
        renewed_in_grace -> Bool,
    }
}

diesel::table! {
    tariff_items (id) {
        id -> Uuid,
        code -> Text,
        description -> Text,
        unit -> Text,
        unit_price -> Numeric,
        currency -> Text,
        sfi_code -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    tariff_modifiers (id) {
        id -> Uuid,
        code -> Text,
        description -> Text,
        percent -> Numeric,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    tasks (id) {
        id -> Uuid,
        job_id -> Uuid,
        title -> Text,
        description -> Nullable<Text>,
        estimated_hours -> Float8,
        required_certification -> Nullable<Text>,
        status -> Text,
        progress_percent -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        item_number -> Nullable<Text>,
        sfi_code -> Nullable<Text>,
        supplied_by -> Text,
        price -> Nullable<Jsonb>,
        price_amount -> Nullable<Numeric>,
    }
}

diesel::table! {
    technician_certifications (id) {
        id -> Uuid,
        technician_id -> Uuid,
        certification_type -> Text,
        certificate_number -> Text,
        issued_by -> Text,
        issued_on -> Date,
        expires_on -> Date,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    technicians (id) {
        id -> Uuid,
        user_id -> Uuid,
        user_role -> Text,
        trade -> Text,
        employee_number -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    users (id) {
        id -> Uuid,
        email -> Text,
        full_name -> Text,
        password_hash -> Text,
        role -> Text,
        organization_id -> Nullable<Uuid>,
        active -> Bool,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        tokens_valid_after -> Nullable<Timestamptz>,
        calendar_feed_generation -> Int4,
    }
}

diesel::table! {
    vessels (id) {
        id -> Uuid,
        imo_number -> Nullable<Text>,
        name -> Text,
        vessel_type -> Text,
        flag -> Text,
        owner_organization_id -> Uuid,
        gross_tonnage -> Float8,
        length_overall_m -> Float8,
        beam_m -> Float8,
        draft_m -> Float8,
        lightweight_t -> Nullable<Float8>,
        year_built -> Nullable<Int4>,
        class_society -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    work_logs (id) {
        id -> Uuid,
        assignment_id -> Uuid,
        technician_id -> Uuid,
        task_id -> Uuid,
        job_id -> Uuid,
        started_at -> Timestamptz,
        ended_at -> Timestamptz,
        description -> Text,
        progress_percent -> Nullable<Int4>,
        created_at -> Timestamptz,
    }
}

diesel::joinable!(additional_work -> jobs (job_id));
diesel::joinable!(additional_work -> users (decided_by));
diesel::table! {
    events (id) {
        id -> Uuid,
        kind -> Text,
        occurred_at -> Timestamptz,
        job_id -> Nullable<Uuid>,
        organization_id -> Nullable<Uuid>,
        to_managers -> Bool,
        to_client -> Bool,
        report_day -> Nullable<Date>,
        payload -> Jsonb,
    }
}

diesel::table! {
    notification_settings (user_id) {
        user_id -> Uuid,
        email -> Bool,
        kinds -> Array<Text>,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    notifications (id) {
        id -> Uuid,
        user_id -> Uuid,
        event_id -> Uuid,
        created_at -> Timestamptz,
        read_at -> Nullable<Timestamptz>,
        email_status -> Text,
        email_attempts -> Int4,
        email_next_at -> Nullable<Timestamptz>,
        email_error -> Nullable<Text>,
    }
}

diesel::table! {
    webhooks (id) {
        id -> Uuid,
        organization_id -> Nullable<Uuid>,
        url -> Text,
        kinds -> Array<Text>,
        secret -> Text,
        active -> Bool,
        created_by -> Uuid,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        failing_since -> Nullable<Timestamptz>,
        disabled_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> Uuid,
        webhook_id -> Uuid,
        event_id -> Uuid,
        created_at -> Timestamptz,
        status -> Text,
        attempts -> Int4,
        next_attempt_at -> Nullable<Timestamptz>,
        last_attempt_at -> Nullable<Timestamptz>,
        last_status_code -> Nullable<Int4>,
        last_error -> Nullable<Text>,
    }
}

diesel::table! {
    webhook_attempts (id) {
        id -> Uuid,
        delivery_id -> Uuid,
        at -> Timestamptz,
        status_code -> Nullable<Int4>,
        error -> Nullable<Text>,
        duration_ms -> Int4,
    }
}

diesel::joinable!(assignments -> tasks (task_id));
diesel::joinable!(assignments -> technicians (technician_id));
diesel::joinable!(assignments -> users (created_by));
diesel::joinable!(attachments -> jobs (job_id));
diesel::joinable!(calendar_feeds -> users (user_id));
diesel::joinable!(attachments -> users (uploaded_by));
diesel::joinable!(attachments -> work_logs (work_log_id));
diesel::joinable!(dock_bookings -> docks (dock_id));
diesel::joinable!(dock_bookings -> jobs (job_id));
diesel::joinable!(dock_bookings -> users (created_by));
diesel::joinable!(dock_bookings -> vessels (vessel_id));
diesel::joinable!(events -> jobs (job_id));
diesel::joinable!(job_events -> jobs (job_id));
diesel::joinable!(job_events -> users (actor_id));
diesel::joinable!(jobs -> organizations (organization_id));
diesel::joinable!(jobs -> users (created_by));
diesel::joinable!(jobs -> vessels (vessel_id));
diesel::joinable!(redelivery_entries -> jobs (job_id));
diesel::joinable!(redelivery_entries -> additional_work (additional_work_id));
diesel::joinable!(refresh_tokens -> users (user_id));
diesel::joinable!(contract_terms -> jobs (job_id));
diesel::joinable!(tasks -> jobs (job_id));
diesel::joinable!(technician_certifications -> technicians (technician_id));
diesel::joinable!(users -> organizations (organization_id));
diesel::joinable!(vessels -> organizations (owner_organization_id));
diesel::joinable!(work_logs -> assignments (assignment_id));
diesel::joinable!(work_logs -> jobs (job_id));
diesel::joinable!(work_logs -> tasks (task_id));
diesel::joinable!(work_logs -> technicians (technician_id));
diesel::joinable!(notifications -> events (event_id));
diesel::joinable!(notifications -> users (user_id));
diesel::joinable!(webhook_deliveries -> events (event_id));
diesel::joinable!(webhook_deliveries -> webhooks (webhook_id));
diesel::joinable!(webhook_attempts -> webhook_deliveries (delivery_id));

diesel::allow_tables_to_appear_in_same_query!(
    additional_work,
    assignments,
    attachments,
    calendar_feeds,
    certification_types,
    contract_terms,
    dock_bookings,
    docks,
    events,
    fx_rates,
    job_events,
    job_list_versions,
    job_number_counters,
    job_report_versions,
    jobs,
    login_failures,
    notification_settings,
    notifications,
    organizations,
    redelivery_entries,
    refresh_tokens,
    tariff_items,
    tariff_modifiers,
    tasks,
    technician_certifications,
    technicians,
    users,
    vessels,
    webhook_attempts,
    webhook_deliveries,
    webhooks,
    work_logs,
);
