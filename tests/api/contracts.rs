//! The repair contract and its money (SPEC section 9): the tariff and its surcharges,
//! priced lines in three bases, spec items, the quote of priced items, contract terms,
//! the award that freezes them (in PostgreSQL too), variations with their number, price,
//! time and deadline, the cost position in two currencies and the cost overview. Money is
//! checked with decimal arithmetic, never floats.

use bigdecimal::{BigDecimal, RoundingMode};
use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::common::{Reply, Session, TestApp};

fn dec(text: &str) -> BigDecimal {
    text.parse().unwrap()
}

/// Half away from zero, to cents.
fn cents(value: BigDecimal) -> String {
    value.with_scale_round(2, RoundingMode::HalfUp).to_string()
}

/// A yard with a Greek owner (budgeting in EUR), its vessel, a client, the tariff's plate
/// and surcharges, and the EUR rate of 2026.
struct Yard {
    app: TestApp,
    manager: Session,
    client: Session,
    vessel: Uuid,
    org: Uuid,
}

async fn yard() -> Yard {
    let app = TestApp::spawn().await;
    let manager = app.manager().await;
    let org = app
        .organization(&manager, "Piraeus Bulk Carriers", "GR")
        .await;
    let vessel = app.vessel(&manager, org).await;
    let client = app.client(org).await;
    app.request(
        Method::PUT,
        "/api/v1/fx-rates/EUR",
        Some(&manager.token),
        Some(json!({"usd_per_unit": "1.0850", "valid_from": "2020-01-01"})),
    )
    .await
    .expect(201);
    for (code, description, unit, price, currency, sfi) in [
        (
            "HULL-PLATE",
            "Shell plate renewal",
            "t",
            "3800.00",
            "USD",
            "201",
        ),
        ("BLAST", "Grit blasting Sa 2.5", "m2", "9.50", "USD", "211"),
        ("CRANE-H", "Crane hours", "h", "980.00", "CNY", "101"),
    ] {
        app.post(
            "/api/v1/tariff-items",
            &manager.token,
            json!({"code": code, "description": description, "unit": unit,
                   "unit_price": {"amount": price, "currency": currency}, "sfi_code": sfi}),
        )
        .await
        .expect(201);
    }
    for (code, percent) in [("DC", "20"), ("HT", "10"), ("OS", "-40")] {
        app.post(
            "/api/v1/tariff-modifiers",
            &manager.token,
            json!({"code": code, "description": format!("Surcharge {code}"), "percent": percent}),
        )
        .await
        .expect(201);
    }
    Yard {
        app,
        manager,
        client,
        vessel,
        org,
    }
}

impl Yard {
    /// A new job of the owner's in `currency`.
    async fn job(&self, currency: &str) -> Uuid {
        self.app
            .post(
                "/api/v1/jobs",
                &self.client.token,
                json!({"vessel_id": self.vessel, "title": "Docking", "description": "Spec attached",
                       "priority": "normal", "currency": currency}),
            )
            .await
            .expect(201)
            .id()
    }

    async fn priced_task(&self, job: Uuid, item: &str, sfi: &str, price: Value) -> Reply {
        self.app
            .post(
                &format!("/api/v1/jobs/{job}/tasks"),
                &self.manager.token,
                json!({"title": format!("Item {item}"), "estimated_hours": 10, "item_number": item,
                       "sfi_code": sfi, "price": price}),
            )
            .await
    }

    async fn quote(&self, job: Uuid, body: Value) -> Reply {
        self.app
            .request(
                Method::PUT,
                &format!("/api/v1/jobs/{job}/quote"),
                Some(&self.manager.token),
                Some(body),
            )
            .await
    }

    async fn award(&self, job: Uuid) -> Reply {
        self.app
            .transition(&self.client, job, "approved", None)
            .await
    }

    async fn get(&self, path: &str, who: &Session) -> Reply {
        self.app.get(path, &who.token).await
    }
}

#[tokio::test]
async fn the_tariff_is_written_by_managers_and_read_by_everyone() {
    let y = yard().await;
    let technician = y.app.technician().await;
    let list = y
        .get("/api/v1/tariff-items?limit=200", &y.client)
        .await
        .expect(200);
    assert_eq!(list.body["items"].as_array().unwrap().len(), 3);
    let plate = &list.body["items"][0];
    assert_eq!(plate["code"], "HULL-PLATE");
    assert_eq!(plate["unit"], "t");
    assert_eq!(
        plate["unit_price"],
        json!({"amount": "3800.00", "currency": "USD"})
    );
    assert_eq!(plate["sfi_code"], "201");
    // Filters: a text, an SFI main group.
    let hull = y
        .get("/api/v1/tariff-items?sfi_group=2", &technician)
        .await
        .expect(200);
    assert_eq!(hull.body["items"].as_array().unwrap().len(), 2);
    let blast = y
        .get("/api/v1/tariff-items?q=blast", &technician)
        .await
        .expect(200);
    assert_eq!(blast.body["items"][0]["code"], "BLAST");
    y.get("/api/v1/tariff-items?sfi_group=9", &y.manager)
        .await
        .expect_problem(422, "validation-failed");
    // Only managers write; a code is unique.
    let body = json!({"code": "ANODE-ZN", "description": "Zinc anode", "unit": "pcs",
                      "unit_price": {"amount": "165.00", "currency": "USD"}});
    for who in [&y.client, &technician] {
        y.app
            .post("/api/v1/tariff-items", &who.token, body.clone())
            .await
            .expect_problem(403, "forbidden");
    }
    let anode = y
        .app
        .post("/api/v1/tariff-items", &y.manager.token, body.clone())
        .await
        .expect(201);
    y.app
        .post("/api/v1/tariff-items", &y.manager.token, body)
        .await
        .expect_problem(409, "duplicate-code");
    // Bad values, each named; nothing is added.
    for (body, field) in [
        (
            json!({"code": "anode", "description": "x", "unit": "pcs", "unit_price": {"amount": "1.00", "currency": "USD"}}),
            "code",
        ),
        (
            json!({"code": "X-1", "description": " ", "unit": "pcs", "unit_price": {"amount": "1.00", "currency": "USD"}}),
            "description",
        ),
        (
            json!({"code": "X-2", "description": "x", "unit": "pcs", "unit_price": {"amount": "1.005", "currency": "USD"}}),
            "unit_price.amount",
        ),
        (
            json!({"code": "X-3", "description": "x", "unit": "pcs", "unit_price": {"amount": "1.00", "currency": "XYZ"}}),
            "unit_price.currency",
        ),
        (
            json!({"code": "X-4", "description": "x", "unit": "pcs", "unit_price": {"amount": "1.00", "currency": "USD"}, "sfi_code": "901"}),
            "sfi_code",
        ),
    ] {
        let refused = y
            .app
            .post("/api/v1/tariff-items", &y.manager.token, body)
            .await
            .expect_problem(422, "validation-failed");
        assert_eq!(refused.body["errors"][0]["field"], field);
    }
    y.app
        .post("/api/v1/tariff-items", &y.manager.token, json!({"code": "X-5", "description": "x", "unit": "barrel", "unit_price": {"amount": "1.00", "currency": "USD"}}))
        .await
        .expect_problem(400, "malformed-request");
    let all = y
        .get("/api/v1/tariff-items?limit=200", &y.manager)
        .await
        .expect(200);
    assert_eq!(all.body["items"].as_array().unwrap().len(), 4);
    // A new price; one item read alone.
    let changed = y
        .app
        .patch(
            &format!("/api/v1/tariff-items/{}", anode.id()),
            &y.manager.token,
            json!({"unit_price": {"amount": "172.50", "currency": "USD"}}),
        )
        .await
        .expect(200);
    assert_eq!(changed.body["unit_price"]["amount"], "172.50");
    let read = y
        .get(&format!("/api/v1/tariff-items/{}", anode.id()), &technician)
        .await
        .expect(200);
    assert_eq!(read.body["unit_price"]["amount"], "172.50");
    // Surcharges: more than -100, at most 500.
    for percent in ["-100", "500.01", "12.345", "ten"] {
        y.app
            .post(
                "/api/v1/tariff-modifiers",
                &y.manager.token,
                json!({"code": "Z", "description": "z", "percent": percent}),
            )
            .await
            .expect_problem(422, "validation-failed");
    }
    y.app
        .post(
            "/api/v1/tariff-modifiers",
            &y.manager.token,
            json!({"code": "DC", "description": "again", "percent": "5"}),
        )
        .await
        .expect_problem(409, "duplicate-code");
    let modifiers = y
        .get("/api/v1/tariff-modifiers", &y.client)
        .await
        .expect(200);
    let codes: Vec<&str> = modifiers.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["DC", "HT", "OS"]);
    assert_eq!(modifiers.body["items"][2]["percent"], "-40.00");
}

#[tokio::test]
async fn a_spec_item_is_priced_from_the_tariff_with_surcharges_and_conversion() {
    let y = yard().await;
    let job = y.job("EUR").await;
    // SPEC's example, for a contract in EUR: 4.2 t of shell plate at the tariff's USD
    // 3 800, double curvature and high-tensile (+30 %), 5 % discount.
    let task = y
        .priced_task(job, "2.14", "201", json!({"basis": "tariff", "tariff_code": "HULL-PLATE", "quantity": "4.200", "modifiers": ["DC", "HT"], "discount_percent": "5"}))
        .await
        .expect(201);
    let price = &task.body["price"];
    let rate = (dec("1") / dec("1.0850")).with_scale_round(6, RoundingMode::HalfUp);
    let unit_price = dec(&cents(dec("3800.00") * dec("1.30") * &rate));
    let amount = cents(dec("4.200") * &unit_price * dec("0.95"));
    assert_eq!(price["fx_rate"], rate.to_string());
    assert_eq!(price["unit_price"], unit_price.to_string());
    assert_eq!(price["unit_price"], "4553.00");
    assert_eq!(price["amount"], amount);
    assert_eq!(price["amount"], "18166.47");
    assert_eq!(price["currency"], "EUR");
    assert_eq!(price["unit"], "t");
    assert_eq!(price["quantity"], "4.200");
    assert_eq!(price["discount_percent"], "5.00");
    assert_eq!(
        price["tariff_unit_price"],
        json!({"amount": "3800.00", "currency": "USD"})
    );
    assert_eq!(
        price["modifiers"],
        json!([{"code": "DC", "percent": "20.00"}, {"code": "HT", "percent": "10.00"}])
    );
    assert_eq!(task.body["item_number"], "2.14");
    assert_eq!(task.body["sfi_code"], "201");
    assert_eq!(task.body["supplied_by"], "yard");
    // A unit rate of the item's own, and a lump sum.
    let rate_line = y
        .priced_task(job, "2.15", "211", json!({"basis": "unit_rate", "quantity": "1250.5", "unit": "m2", "unit_price": "8.75", "discount_percent": "2.5"}))
        .await
        .expect(201);
    assert_eq!(
        rate_line.body["price"]["amount"],
        cents(dec("1250.5") * dec("8.75") * dec("0.975"))
    );
    let lump = y
        .priced_task(
            job,
            "6.01",
            "633",
            json!({"basis": "lump_sum", "amount": "32500"}),
        )
        .await
        .expect(201);
    assert_eq!(lump.body["price"]["amount"], "32500.00");
    assert_eq!(lump.body["price"]["basis"], "lump_sum");
    // The owner sees the prices; a technician of the job does not.
    let tasks = y
        .get(&format!("/api/v1/jobs/{job}/tasks"), &y.client)
        .await
        .expect(200);
    assert_eq!(tasks.body["items"][0]["price"]["amount"], "18166.47");
    // The same line without saving it: what the pricing dialog shows.
    let preview = y
        .app
        .post(
            &format!("/api/v1/jobs/{job}/priced-lines"),
            &y.manager.token,
            json!({"price": {"basis": "tariff", "tariff_code": "HULL-PLATE", "quantity": "4.200", "modifiers": ["DC", "HT"], "discount_percent": "5"}}),
        )
        .await
        .expect(200);
    assert_eq!(preview.body, *price);
    // Owner-supplied steel: -40 %.
    let owner = y
        .priced_task(job, "2.16", "201", json!({"basis": "tariff", "tariff_code": "HULL-PLATE", "quantity": "1", "modifiers": ["OS"]}))
        .await
        .expect(201);
    assert_eq!(
        owner.body["price"]["unit_price"],
        cents(dec("3800") * dec("0.60") * &rate)
    );
}

#[tokio::test]
async fn bad_priced_lines_are_refused_naming_the_field_and_change_nothing() {
    let y = yard().await;
    let job = y.job("EUR").await;
    for (price, field) in [
        (
            json!({"basis": "tariff", "tariff_code": "NO-SUCH", "quantity": "1"}),
            "price.tariff_code",
        ),
        (
            json!({"basis": "tariff", "tariff_code": "HULL-PLATE", "quantity": "1", "modifiers": ["XX"]}),
            "price.modifiers",
        ),
        (
            json!({"basis": "tariff", "tariff_code": "HULL-PLATE", "quantity": "1", "modifiers": ["DC", "DC"]}),
            "price.modifiers",
        ),
        (
            json!({"basis": "tariff", "tariff_code": "HULL-PLATE", "quantity": "1.2345"}),
            "price.quantity",
        ),
        (
            json!({"basis": "tariff", "tariff_code": "HULL-PLATE", "quantity": "0"}),
            "price.quantity",
        ),
        (
            json!({"basis": "tariff", "tariff_code": "HULL-PLATE", "quantity": "1", "discount_percent": "100.5"}),
            "price.discount_percent",
        ),
        (
            json!({"basis": "tariff", "tariff_code": "HULL-PLATE", "quantity": "1", "unit_price": "5.00"}),
            "price.unit_price",
        ),
        (
            json!({"basis": "unit_rate", "quantity": "1", "unit": "t", "unit_price": "3.333"}),
            "price.unit_price",
        ),
        (
            json!({"basis": "unit_rate", "quantity": "1", "unit_price": "3.33"}),
            "price.unit",
        ),
        (json!({"basis": "lump_sum", "amount": "-5"}), "price.amount"),
        (
            json!({"basis": "lump_sum", "amount": "5", "quantity": "2"}),
            "price.quantity",
        ),
        // Crane hours are priced in CNY, and no CNY rate is known.
        (
            json!({"basis": "tariff", "tariff_code": "CRANE-H", "quantity": "10"}),
            "price.tariff_code",
        ),
    ] {
        let refused = y
            .priced_task(job, "1.01", "101", price.clone())
            .await
            .expect_problem(422, "validation-failed");
        let fields: Vec<&str> = refused.body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert!(fields.contains(&field), "{price}: {fields:?}");
        if field == "price.tariff_code" && price["tariff_code"] == "CRANE-H" {
            assert!(
                refused.body["detail"].as_str().unwrap().contains("CNY"),
                "{}",
                refused.body
            );
        }
    }
    y.priced_task(
        job,
        "12345678901234567890X",
        "101",
        json!({"basis": "lump_sum", "amount": "5"}),
    )
    .await
    .expect_problem(422, "validation-failed");
    y.priced_task(
        job,
        "1.01",
        "91",
        json!({"basis": "lump_sum", "amount": "5"}),
    )
    .await
    .expect_problem(422, "validation-failed");
    let tasks = y
        .get(&format!("/api/v1/jobs/{job}/tasks"), &y.manager)
        .await
        .expect(200);
    assert_eq!(tasks.body["items"], json!([]));
    // An item number is unique within its job.
    y.priced_task(
        job,
        "1.01",
        "101",
        json!({"basis": "lump_sum", "amount": "5"}),
    )
    .await
    .expect(201);
    y.priced_task(
        job,
        "1.01",
        "101",
        json!({"basis": "lump_sum", "amount": "6"}),
    )
    .await
    .expect_problem(409, "duplicate-code");
}

#[tokio::test]
async fn the_quote_of_priced_items_is_their_sum_less_its_discount() {
    let y = yard().await;
    let job = y.job("USD").await;
    // A job without priced items quotes a lump sum, and needs one.
    y.quote(job, json!({"currency": "USD"}))
        .await
        .expect_problem(422, "validation-failed");
    y.quote(
        job,
        json!({"amount": "1000.00", "currency": "USD", "discount_percent": "5"}),
    )
    .await
    .expect_problem(422, "validation-failed");
    y.quote(job, json!({"amount": "1000.00", "currency": "EUR"}))
        .await
        .expect_problem(422, "validation-failed");
    let plate = y
        .priced_task(job, "2.14", "201", json!({"basis": "tariff", "tariff_code": "HULL-PLATE", "quantity": "4.200", "modifiers": ["DC", "HT"], "discount_percent": "5"}))
        .await
        .expect(201)
        .id();
    y.priced_task(
        job,
        "6.01",
        "633",
        json!({"basis": "lump_sum", "amount": "32500.00"}),
    )
    .await
    .expect(201);
    // 19 710.60 + 32 500.00 = 52 210.60, less 2.5 % = 50 905.335 -> 50 905.34.
    let expected = cents((dec("19710.60") + dec("32500.00")) * dec("0.975"));
    assert_eq!(expected, "50905.34");
    y.quote(
        job,
        json!({"amount": "50000.00", "currency": "USD", "discount_percent": "2.5"}),
    )
    .await
    .expect_problem(422, "validation-failed");
    let quoted = y
        .quote(job, json!({"currency": "USD", "discount_percent": "2.5", "note": "Per the priced specification"}))
        .await
        .expect(200);
    assert_eq!(quoted.body["quote"]["amount"], expected);
    assert_eq!(quoted.body["quote"]["discount_percent"], "2.50");
    // Given and equal is fine too.
    y.quote(
        job,
        json!({"amount": expected, "currency": "USD", "discount_percent": "2.5"}),
    )
    .await
    .expect(200);
    // A spec item repriced while the quote is out: the quote follows its items.
    let before = y
        .get(&format!("/api/v1/jobs/{job}"), &y.client)
        .await
        .expect(200);
    y.app
        .patch(
            &format!("/api/v1/tasks/{plate}"),
            &y.manager.token,
            json!({"price": {"basis": "tariff", "tariff_code": "HULL-PLATE", "quantity": "5", "modifiers": ["DC", "HT"], "discount_percent": "5"}}),
        )
        .await
        .expect(200);
    let after = y
        .get(&format!("/api/v1/jobs/{job}"), &y.client)
        .await
        .expect(200);
    let plate_now = cents(dec("5") * dec("4940.00") * dec("0.95"));
    assert_eq!(
        after.body["quote"]["amount"],
        cents((dec(&plate_now) + dec("32500.00")) * dec("0.975"))
    );
    assert_ne!(after.body["version"], before.body["version"]);
}

#[tokio::test]
async fn contract_terms_are_validated_and_the_award_fixes_the_contract() {
    let y = yard().await;
    let technician = y.app.technician().await;
    let job = y.job("EUR").await;
    let terms = |body: Value| {
        let (app, token) = (&y.app, y.manager.token.clone());
        async move {
            app.request(
                Method::PUT,
                &format!("/api/v1/jobs/{job}/contract-terms"),
                Some(&token),
                Some(body),
            )
            .await
        }
    };
    y.get(&format!("/api/v1/jobs/{job}/contract-terms"), &y.client)
        .await
        .expect_problem(404, "not-found");
    for (body, field) in [
        (
            json!({"redelivery_date": "2027-01-31", "payment_terms": [{"percent": "50", "due": "on_award"}, {"percent": "40", "due": "on_redelivery"}]}),
            "payment_terms",
        ),
        (
            json!({"redelivery_date": "2027-01-31", "payment_terms": [{"percent": "100", "due": "on_award", "days": 10}]}),
            "payment_terms[0].days",
        ),
        (
            json!({"redelivery_date": "2027-01-31", "payment_terms": [{"percent": "100", "due": "after_redelivery", "days": 400}]}),
            "payment_terms[0].days",
        ),
        (
            json!({"redelivery_date": "2027-01-31", "delay_damages_per_day": {"amount": "3500.00", "currency": "EUR"}}),
            "delay_damages_max",
        ),
        (
            json!({"redelivery_date": "2027-01-31", "delay_damages_per_day": {"amount": "3500.00", "currency": "USD"}, "delay_damages_max": {"amount": "70000.00", "currency": "EUR"}}),
            "delay_damages_per_day.currency",
        ),
        (
            json!({"redelivery_date": "2027-01-31", "guarantee_months": 37}),
            "guarantee_months",
        ),
        (
            json!({"redelivery_date": "2027-01-31", "response_hours": 0}),
            "response_hours",
        ),
    ] {
        let refused = terms(body).await.expect_problem(422, "validation-failed");
        assert_eq!(
            refused.body["errors"][0]["field"], field,
            "{}",
            refused.body
        );
    }
    y.get(&format!("/api/v1/jobs/{job}/contract-terms"), &y.client)
        .await
        .expect_problem(404, "not-found");
    let put = terms(json!({"redelivery_date": "2027-01-31", "guarantee_months": 6,
        "payment_terms": [{"percent": "50", "due": "on_redelivery"}, {"percent": "50", "due": "after_redelivery", "days": 30}],
        "delay_damages_per_day": {"amount": "3500.00", "currency": "EUR"}, "delay_damages_max": {"amount": "70000.00", "currency": "EUR"},
        "response_hours": 24}))
        .await
        .expect(200);
    assert_eq!(put.body["frozen"], false);
    let read = y
        .get(&format!("/api/v1/jobs/{job}/contract-terms"), &y.client)
        .await
        .expect(200);
    assert_eq!(
        read.body["delay_damages_max"],
        json!({"amount": "70000.00", "currency": "EUR"})
    );
    assert_eq!(
        read.body["payment_terms"][1],
        json!({"percent": "50", "due": "after_redelivery", "days": 30})
    );
    y.get(&format!("/api/v1/jobs/{job}/contract-terms"), &technician)
        .await
        .expect_problem(403, "forbidden");
    let plate = y
        .priced_task(job, "2.14", "201", json!({"basis": "tariff", "tariff_code": "HULL-PLATE", "quantity": "4.2", "modifiers": ["DC"]}))
        .await
        .expect(201)
        .id();
    let unpriced = y.app.task(&y.manager, job, 12.0, None).await;
    y.get(&format!("/api/v1/jobs/{job}/contract"), &y.client)
        .await
        .expect_problem(404, "not-found");
    y.quote(job, json!({"currency": "EUR"})).await.expect(200);
    y.award(job).await.expect(200);
    // The contract: the approved quote, the award's rate, the terms, the priced items.
    let contract = y
        .get(&format!("/api/v1/jobs/{job}/contract"), &y.client)
        .await
        .expect(200);
    let line = &contract.body["lines"][0];
    assert_eq!(contract.body["price"]["amount"], line["price"]["amount"]);
    assert_eq!(contract.body["currency"], "EUR");
    assert_eq!(contract.body["fx_usd_per_unit"], "1.085");
    assert_eq!(contract.body["terms"]["frozen"], true);
    assert_eq!(contract.body["terms"]["redelivery_date"], "2027-01-31");
    assert_eq!(contract.body["lines"].as_array().unwrap().len(), 1);
    assert_eq!(line["item_number"], "2.14");
    let job_view = y
        .get(&format!("/api/v1/jobs/{job}"), &y.client)
        .await
        .expect(200);
    assert_eq!(job_view.body["contract_redelivery"], "2027-01-31");
    assert_eq!(job_view.body["currency"], "EUR");
    // Frozen from now on, for the API...
    terms(json!({"redelivery_date": "2027-02-28"}))
        .await
        .expect_problem(409, "contract-frozen");
    for body in [
        json!({"price": {"basis": "lump_sum", "amount": "1.00"}}),
        json!({"price": null}),
        json!({"supplied_by": "owner"}),
    ] {
        y.app
            .patch(&format!("/api/v1/tasks/{plate}"), &y.manager.token, body)
            .await
            .expect_problem(409, "contract-frozen");
    }
    y.priced_task(
        job,
        "9.99",
        "201",
        json!({"basis": "lump_sum", "amount": "5"}),
    )
    .await
    .expect_problem(409, "contract-frozen");
    y.app
        .patch(
            &format!("/api/v1/jobs/{job}"),
            &y.manager.token,
            json!({"currency": "USD"}),
        )
        .await
        .expect_problem(409, "contract-frozen");
    // ...and for anything writing the rows: the database refuses.
    let direct = async |sql: &str| -> String {
        use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
        let mut conn = AsyncPgConnection::establish(&y.app.database_url())
            .await
            .unwrap();
        diesel::sql_query(sql)
            .bind::<diesel::sql_types::Uuid, _>(job)
            .execute(&mut conn)
            .await
            .expect_err("refused")
            .to_string()
    };
    for sql in [
        "UPDATE tasks SET price = '{\"amount\": \"1.00\"}' WHERE job_id = $1",
        "UPDATE tasks SET supplied_by = 'owner' WHERE job_id = $1",
        "UPDATE contract_terms SET guarantee_months = 1 WHERE job_id = $1",
        "DELETE FROM contract_terms WHERE job_id = $1",
        "UPDATE jobs SET quote_amount = quote_amount + 1 WHERE id = $1",
        "UPDATE jobs SET currency = 'USD', quote_currency = 'USD' WHERE id = $1",
        "INSERT INTO tasks (job_id, title, estimated_hours, price) VALUES ($1, 'late', 1, '{\"amount\": \"5.00\"}')",
    ] {
        assert!(direct(sql).await.contains("the contract is fixed"), "{sql}");
    }
    // What is not the contract still changes: a task without a price, its title.
    y.app
        .patch(
            &format!("/api/v1/tasks/{unpriced}"),
            &y.manager.token,
            json!({"title": "Renamed"}),
        )
        .await
        .expect(200);
    let unchanged = y
        .get(&format!("/api/v1/jobs/{job}/contract"), &y.client)
        .await
        .expect(200);
    assert_eq!(unchanged.body["lines"], contract.body["lines"]);
    y.get(&format!("/api/v1/jobs/{job}/contract"), &technician)
        .await
        .expect_problem(403, "forbidden");
}

#[tokio::test]
async fn an_award_without_terms_takes_the_defaults_and_the_planned_end() {
    let y = yard().await;
    let job = y.job("USD").await;
    y.app
        .patch(
            &format!("/api/v1/jobs/{job}"),
            &y.manager.token,
            json!({"planned_start": "2027-03-01T00:00:00Z", "planned_end": "2027-03-20T09:00:00Z"}),
        )
        .await
        .expect(200);
    y.quote(job, json!({"amount": "100000.00", "currency": "USD"}))
        .await
        .expect(200);
    y.award(job).await.expect(200);
    let contract = y
        .get(&format!("/api/v1/jobs/{job}/contract"), &y.manager)
        .await
        .expect(200);
    let terms = &contract.body["terms"];
    // 09:00 UTC is 17:00 in Weihai: the same day.
    assert_eq!(terms["redelivery_date"], "2027-03-20");
    assert_eq!(terms["guarantee_months"], 3);
    assert_eq!(terms["response_hours"], 48);
    assert_eq!(
        terms["payment_terms"],
        json!([{"percent": "100", "due": "after_redelivery", "days": 30}])
    );
    assert_eq!(contract.body["fx_usd_per_unit"], "1");
    assert_eq!(contract.body["lines"], json!([]));
    assert_eq!(
        contract.body["price"],
        json!({"amount": "100000.00", "currency": "USD"})
    );
}

#[tokio::test]
async fn the_contract_currency_changes_only_before_a_quote_and_a_price() {
    let y = yard().await;
    let job = y.job("USD").await;
    let patch = async |currency: &str| {
        y.app
            .patch(
                &format!("/api/v1/jobs/{job}"),
                &y.manager.token,
                json!({"currency": currency}),
            )
            .await
    };
    patch("EUR").await.expect(200);
    patch("eur").await.expect_problem(422, "validation-failed");
    y.quote(job, json!({"amount": "1000.00", "currency": "EUR"}))
        .await
        .expect(200);
    patch("USD").await.expect_problem(409, "contract-frozen");
    // The owner rejects the quote: the currency may change, and the rejected quote goes.
    y.app
        .transition(&y.client, job, "requested", Some("Quote in USD please"))
        .await
        .expect(200);
    let moved = patch("USD").await.expect(200);
    assert_eq!(moved.body["currency"], "USD");
    assert_eq!(moved.body["quote"], Value::Null);
    y.priced_task(
        job,
        "1",
        "101",
        json!({"basis": "lump_sum", "amount": "10"}),
    )
    .await
    .expect(201);
    patch("EUR").await.expect_problem(409, "contract-frozen");
}

#[tokio::test]
async fn variations_carry_a_number_a_price_a_time_and_a_deadline() {
    let y = yard().await;
    let other_job = y.job("EUR").await;
    let other_task = y.app.task(&y.manager, other_job, 4.0, None).await;
    let job = y.job("EUR").await;
    let plate = y
        .priced_task(
            job,
            "2.14",
            "201",
            json!({"basis": "lump_sum", "amount": "20000"}),
        )
        .await
        .expect(201)
        .id();
    y.app
        .request(
            Method::PUT,
            &format!("/api/v1/jobs/{job}/contract-terms"),
            Some(&y.manager.token),
            Some(json!({"redelivery_date": "2027-01-31", "response_hours": 24})),
        )
        .await
        .expect(200);
    y.quote(job, json!({"currency": "EUR"})).await.expect(200);
    y.award(job).await.expect(200);
    let path = format!("/api/v1/jobs/{job}/additional-work");
    // As older clients send it: a description, an amount and a currency.
    let before = chrono::Utc::now();
    let legacy = y
        .app
        .post(&path, &y.manager.token, json!({"description": "Renew sea chest grating", "amount": "6200.00", "currency": "EUR"}))
        .await
        .expect(201);
    assert_eq!(legacy.body["number"], "V-001");
    assert_eq!(legacy.body["status"], "pending");
    assert_eq!(legacy.body["origin"], "finding");
    assert_eq!(legacy.body["blocking"], false);
    assert_eq!(legacy.body["time_impact_days"], 0);
    assert_eq!(legacy.body["price"], Value::Null);
    let respond_by: chrono::DateTime<chrono::Utc> =
        legacy.body["respond_by"].as_str().unwrap().parse().unwrap();
    let created: chrono::DateTime<chrono::Utc> =
        legacy.body["created_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(respond_by - created, chrono::Duration::hours(24));
    assert!(created >= before - chrono::Duration::seconds(5));
    // Priced from the tariff, for a spec item, asked by class, with time, blocking.
    let priced = y
        .app
        .post(&path, &y.manager.token, json!({"description": "Renew 1.5 t of bilge plating found wasted",
            "price": {"basis": "tariff", "tariff_code": "HULL-PLATE", "quantity": "1.5", "modifiers": ["HT"]},
            "origin": "class_requirement", "task_id": plate, "time_impact_days": 4, "blocking": true}))
        .await
        .expect(201);
    assert_eq!(priced.body["number"], "V-002");
    let rate = (dec("1") / dec("1.0850")).with_scale_round(6, RoundingMode::HalfUp);
    let unit_price = dec(&cents(dec("3800") * dec("1.10") * &rate));
    let amount = cents(dec("1.5") * &unit_price);
    assert_eq!(priced.body["amount"], amount);
    assert_eq!(priced.body["currency"], "EUR");
    assert_eq!(priced.body["price"]["amount"], amount);
    assert_eq!(priced.body["origin"], "class_requirement");
    assert_eq!(priced.body["task_id"], json!(plate));
    assert_eq!(priced.body["time_impact_days"], 4);
    assert_eq!(priced.body["blocking"], true);
    // Refused, each with its field, and nothing added.
    for (body, field) in [
        (
            json!({"description": "x", "amount": "10.00", "currency": "USD"}),
            "currency",
        ),
        (
            json!({"description": "x", "amount": "10.00", "currency": "EUR", "time_impact_days": 366}),
            "time_impact_days",
        ),
        (
            json!({"description": "x", "amount": "10.00", "currency": "EUR", "price": {"basis": "lump_sum", "amount": "10"}}),
            "price",
        ),
        (json!({"description": "x"}), "amount"),
        (
            json!({"description": "x", "price": {"basis": "tariff", "tariff_code": "NOPE", "quantity": "1"}}),
            "price.tariff_code",
        ),
        (
            json!({"description": "x", "amount": "10.00", "currency": "EUR", "task_id": other_task}),
            "task_id",
        ),
    ] {
        let refused = y
            .app
            .post(&path, &y.manager.token, body.clone())
            .await
            .expect_problem(422, "validation-failed");
        assert_eq!(
            refused.body["errors"][0]["field"], field,
            "{body}: {}",
            refused.body
        );
    }
    y.app
        .post(
            &path,
            &y.manager.token,
            json!({"description": "x", "amount": "10.00", "currency": "EUR", "origin": "rumour"}),
        )
        .await
        .expect_problem(400, "malformed-request");
    let all = y.get(&path, &y.client).await.expect(200);
    assert_eq!(all.body["items"].as_array().unwrap().len(), 2);
    // An approval fixes the rate of its day; a rejection none.
    let approved = y
        .app
        .post(
            &format!("/api/v1/additional-work/{}/decision", priced.id()),
            &y.client.token,
            json!({"decision": "approved"}),
        )
        .await
        .expect(200);
    assert_eq!(approved.body["fx_usd_per_unit"], "1.085");
    let rejected = y
        .app
        .post(
            &format!("/api/v1/additional-work/{}/decision", legacy.id()),
            &y.client.token,
            json!({"decision": "rejected", "note": "Measured less"}),
        )
        .await
        .expect(200);
    assert_eq!(rejected.body["fx_usd_per_unit"], Value::Null);
    // The owner hears of the variation with its number and deadline.
    let notes = y
        .get("/api/v1/me/notifications?limit=50", &y.client)
        .await
        .expect(200);
    let proposed = notes.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| {
            n["event"]["kind"] == "additional_work.proposed"
                && n["event"]["data"]["number"] == "V-002"
        })
        .expect("the proposal of V-002");
    assert_eq!(proposed["event"]["data"]["blocking"], true);
    assert_eq!(proposed["event"]["data"]["time_impact_days"], 4);
}

#[tokio::test]
async fn the_cost_position_in_the_contracts_currency_and_the_owners() {
    let y = yard().await;
    // The owner budgets in EUR; this contract is in USD.
    y.app
        .patch(
            &format!("/api/v1/organizations/{}", y.org),
            &y.manager.token,
            json!({"currency": "EUR"}),
        )
        .await
        .expect(200);
    let job = y.job("USD").await;
    y.priced_task(
        job,
        "2.14",
        "201",
        json!({"basis": "lump_sum", "amount": "60000"}),
    )
    .await
    .expect(201);
    y.priced_task(
        job,
        "6.01",
        "633",
        json!({"basis": "lump_sum", "amount": "40000"}),
    )
    .await
    .expect(201);
    let before = y
        .get(&format!("/api/v1/jobs/{job}/cost"), &y.client)
        .await
        .expect(200);
    assert_eq!(before.body["contract"], "0.00");
    assert_eq!(before.body["growth_percent"], Value::Null);
    assert_eq!(before.body["in_owner_currency"], Value::Null);
    y.quote(job, json!({"currency": "USD"})).await.expect(200);
    y.award(job).await.expect(200);
    let tasks = y
        .get(&format!("/api/v1/jobs/{job}/tasks"), &y.manager)
        .await
        .expect(200);
    let plate = tasks.body["items"][0]["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/jobs/{job}/additional-work");
    let vary = async |body: Value| {
        y.app
            .post(&path, &y.manager.token, body)
            .await
            .expect(201)
            .id()
    };
    let approved = vary(json!({"description": "Bilge plating", "amount": "10000.00", "currency": "USD", "task_id": plate})).await;
    vary(json!({"description": "Anodes", "amount": "5000.00", "currency": "USD"})).await;
    let rejected =
        vary(json!({"description": "Logo", "amount": "700.00", "currency": "USD"})).await;
    for (id, decision) in [(approved, "approved"), (rejected, "rejected")] {
        y.app
            .post(
                &format!("/api/v1/additional-work/{id}/decision"),
                &y.client.token,
                json!({"decision": decision}),
            )
            .await
            .expect(200);
    }
    let cost = y
        .get(&format!("/api/v1/jobs/{job}/cost"), &y.client)
        .await
        .expect(200)
        .body;
    assert_eq!(cost["currency"], "USD");
    assert_eq!(cost["owner_currency"], "EUR");
    assert_eq!(cost["contract"], "100000.00");
    assert_eq!(cost["approved"], "10000.00");
    assert_eq!(cost["pending"], "5000.00");
    assert_eq!(cost["rejected"], "700.00");
    assert_eq!(cost["forecast"], "115000.00");
    assert_eq!(cost["growth_percent"], "15.00");
    // USD -> EUR at 1 / 1.0850 each, rounded to cents before they are summed.
    let eur = |usd: &str| dec(&cents(dec(usd) / dec("1.0850")));
    let owner = &cost["in_owner_currency"];
    assert_eq!(owner["contract"], eur("100000").to_string());
    assert_eq!(owner["approved"], eur("10000").to_string());
    assert_eq!(owner["pending"], eur("5000").to_string());
    assert_eq!(
        owner["forecast"],
        (eur("100000") + eur("10000") + eur("5000")).to_string()
    );
    assert_eq!(owner["contract"], "92165.90");
    assert_eq!(cost["unconverted"], json!([]));
    let groups: Vec<(String, String, String, String)> = cost["by_sfi_group"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            let s = |k: &str| g[k].as_str().unwrap().to_owned();
            (s("group"), s("contract"), s("approved"), s("pending"))
        })
        .collect();
    let g = |a: &str, b: &str, c: &str, d: &str| {
        (a.to_owned(), b.to_owned(), c.to_owned(), d.to_owned())
    };
    assert_eq!(
        groups,
        vec![
            g("0", "0.00", "0.00", "5000.00"),
            g("2", "60000.00", "10000.00", "0.00"),
            g("6", "40000.00", "0.00", "0.00"),
        ]
    );
    assert_eq!(cost["by_sfi_group"][1]["name"], "Hull");
    // A contract in a currency without a rate: nothing in the owner's currency.
    let rupees = y.job("LKR").await;
    y.quote(rupees, json!({"amount": "5000000.00", "currency": "LKR"}))
        .await
        .expect(200);
    y.award(rupees).await.expect(200);
    let pending = y
        .app
        .post(
            &format!("/api/v1/jobs/{rupees}/additional-work"),
            &y.manager.token,
            json!({"description": "More", "amount": "1000.00", "currency": "LKR"}),
        )
        .await
        .expect(201);
    let cost = y
        .get(&format!("/api/v1/jobs/{rupees}/cost"), &y.client)
        .await
        .expect(200)
        .body;
    assert_eq!(cost["in_owner_currency"], Value::Null);
    assert_eq!(
        cost["unconverted"],
        json!([{"additional_work_id": pending.id(), "number": "V-001"}])
    );
    // Another organisation's client finds nothing; a technician may not ask.
    let stranger_org = y.app.organization(&y.manager, "Nile Carriers", "EG").await;
    let stranger = y.app.client(stranger_org).await;
    y.get(&format!("/api/v1/jobs/{job}/cost"), &stranger)
        .await
        .expect_problem(404, "not-found");
    let technician = y.app.technician().await;
    y.get(&format!("/api/v1/jobs/{job}/cost"), &technician)
        .await
        .expect_problem(403, "forbidden");
}

#[tokio::test]
async fn the_cost_overview_lists_the_awarded_jobs_in_scope() {
    let y = yard().await;
    let awarded = y.job("USD").await;
    y.quote(awarded, json!({"amount": "80000.00", "currency": "USD"}))
        .await
        .expect(200);
    y.award(awarded).await.expect(200);
    y.app
        .post(
            &format!("/api/v1/jobs/{awarded}/additional-work"),
            &y.manager.token,
            json!({"description": "More steel", "amount": "12000.00", "currency": "USD"}),
        )
        .await
        .expect(201);
    let second = y.job("USD").await;
    y.quote(second, json!({"amount": "1000.00", "currency": "USD"}))
        .await
        .expect(200);
    y.award(second).await.expect(200);
    let quoted_only = y.job("USD").await;
    y.quote(quoted_only, json!({"amount": "5.00", "currency": "USD"}))
        .await
        .expect(200);
    let other_org = y.app.organization(&y.manager, "Nile Carriers", "EG").await;
    let other_vessel = y.app.vessel(&y.manager, other_org).await;
    let other_client = y.app.client(other_org).await;
    let theirs = y.app.job(&other_client, other_vessel).await;
    y.app.advance(&y.manager, theirs, "approved").await;

    let mine = y
        .get("/api/v1/reports/cost-overview", &y.client)
        .await
        .expect(200);
    let ids: Vec<&str> = mine.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["job_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [second.to_string(), awarded.to_string()]);
    let row = &mine.body["items"][1];
    assert_eq!(row["contract"], "80000.00");
    assert_eq!(row["pending"], "12000.00");
    assert_eq!(row["forecast"], "92000.00");
    assert_eq!(row["growth_percent"], "15.00");
    assert_eq!(row["days_late"], 0);
    let all = y
        .get("/api/v1/reports/cost-overview", &y.manager)
        .await
        .expect(200);
    assert_eq!(all.body["items"].as_array().unwrap().len(), 3);
    let page = y
        .get("/api/v1/reports/cost-overview?limit=1", &y.manager)
        .await
        .expect(200);
    assert_eq!(page.body["items"].as_array().unwrap().len(), 1);
    let cursor = page.body["next_cursor"].as_str().unwrap().to_owned();
    let next = y
        .get(
            &format!("/api/v1/reports/cost-overview?limit=1&cursor={cursor}"),
            &y.manager,
        )
        .await
        .expect(200);
    assert_ne!(
        next.body["items"][0]["job_id"],
        page.body["items"][0]["job_id"]
    );
    let by_status = y
        .get(
            "/api/v1/reports/cost-overview?status=in_progress",
            &y.manager,
        )
        .await
        .expect(200);
    assert_eq!(by_status.body["items"], json!([]));
    let technician = y.app.technician().await;
    y.get("/api/v1/reports/cost-overview", &technician)
        .await
        .expect_problem(403, "forbidden");
}

#[tokio::test]
async fn a_price_change_racing_the_award_leaves_one_consistent_baseline() {
    let y = yard().await;
    for round in 0..8 {
        let job = y.job("USD").await;
        let plate = y
            .priced_task(
                job,
                "2.14",
                "201",
                json!({"basis": "lump_sum", "amount": "20000"}),
            )
            .await
            .expect(201)
            .id();
        y.priced_task(
            job,
            "6.01",
            "633",
            json!({"basis": "lump_sum", "amount": "30000"}),
        )
        .await
        .expect(201);
        y.quote(job, json!({"currency": "USD", "discount_percent": "2"}))
            .await
            .expect(200);
        let new_price = format!("{}", 21000 + round);
        let task_path = format!("/api/v1/tasks/{plate}");
        let (award, reprice) = tokio::join!(
            y.award(job),
            y.app.patch(
                &task_path,
                &y.manager.token,
                json!({"price": {"basis": "lump_sum", "amount": new_price}})
            ),
        );
        assert_eq!(award.status, 200, "{}", award.body);
        let repriced = reprice.status.as_u16();
        assert!(repriced == 200 || repriced == 409, "{}", reprice.body);
        // Whichever came first, the contract is its lines less its discount.
        let contract = y
            .get(&format!("/api/v1/jobs/{job}/contract"), &y.client)
            .await
            .expect(200)
            .body;
        let lines: BigDecimal = contract["lines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| dec(l["price"]["amount"].as_str().unwrap()))
            .sum();
        assert_eq!(
            contract["price"]["amount"],
            cents(lines.clone() * dec("0.98")),
            "round {round}"
        );
        let plate_line = if repriced == 200 {
            new_price.as_str()
        } else {
            "20000"
        };
        assert_eq!(
            lines,
            dec(plate_line) + dec("30000"),
            "round {round}: {repriced}"
        );
    }
}
