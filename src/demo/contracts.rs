//! The demo's money: the yard's tariff (about forty items of a real yard's kind, in USD,
//! and its surcharges), the currencies its owners budget in, the terms of every awarded
//! job, and the Hellas Trader's docking as a priced contract in EUR with its variations.

use super::*;
use crate::contracts::{
    models::{Basis, PriceRequest, Unit},
    rules::{TariffPrice, conversion_rate, price_line, quote_for_items},
};
use bigdecimal::BigDecimal;

/// The tariff: code, description, unit, USD per unit, SFI code.
pub(super) const TARIFF: [(&str, &str, &str, &str, Option<&str>); 40] = [
    (
        "DOCK-DOCKING",
        "Docking and undocking, incl. dock master and line handling",
        "lot",
        "18500.00",
        Some("101"),
    ),
    (
        "DOCK-DAY",
        "Dry dock hire, per day",
        "day",
        "4200.00",
        Some("101"),
    ),
    (
        "DOCK-BLOCKS",
        "Setting keel and side blocks to the docking plan",
        "lot",
        "3600.00",
        Some("101"),
    ),
    (
        "SHORE-POWER",
        "Shore power connection and supply, per day",
        "day",
        "380.00",
        Some("101"),
    ),
    (
        "FIRE-WATCH",
        "Fire watch and gas-free certificate, per day",
        "day",
        "260.00",
        Some("101"),
    ),
    (
        "CRANE-H",
        "Shore crane with operator, per hour",
        "h",
        "145.00",
        Some("101"),
    ),
    (
        "STAGING",
        "Staging, erect and dismantle, per m2 of face",
        "m2",
        "14.50",
        Some("101"),
    ),
    (
        "HULL-WASH",
        "High-pressure fresh water wash of the underwater hull",
        "m2",
        "1.10",
        Some("211"),
    ),
    (
        "HULL-BLAST-SA25",
        "Grit blasting to Sa 2.5, underwater hull",
        "m2",
        "9.50",
        Some("211"),
    ),
    (
        "HULL-SPOT-ST3",
        "Spot blasting / power tool cleaning to St 3",
        "m2",
        "6.80",
        Some("211"),
    ),
    (
        "PAINT-AC",
        "Anti-corrosive coat, per coat, incl. application",
        "m2",
        "3.20",
        Some("211"),
    ),
    (
        "PAINT-AF",
        "Antifouling coat, per coat, incl. application",
        "m2",
        "3.90",
        Some("211"),
    ),
    (
        "PAINT-TOPSIDE",
        "Topside coat, per coat",
        "m2",
        "2.90",
        Some("211"),
    ),
    (
        "HULL-PLATE",
        "Shell plate renewal, mild steel, incl. fairing and welding",
        "t",
        "3800.00",
        Some("201"),
    ),
    (
        "HULL-PLATE-SMALL",
        "Shell plate renewal under 1 t per location, per kg",
        "kg",
        "3.45",
        Some("201"),
    ),
    (
        "HULL-INSERT",
        "Insert plate up to 1 m2, incl. cutting and welding",
        "pcs",
        "1250.00",
        Some("201"),
    ),
    (
        "FRAME-RENEW",
        "Frame or stiffener renewal, per metre",
        "m",
        "185.00",
        Some("201"),
    ),
    (
        "WELD-REPAIR",
        "Crack gouging and rewelding, per metre",
        "m",
        "95.00",
        Some("201"),
    ),
    (
        "NDT-UT-GAUGE",
        "Ultrasonic thickness gauging, per point",
        "pcs",
        "4.60",
        Some("201"),
    ),
    (
        "NDT-UT-WELD",
        "Ultrasonic testing of welds, per metre",
        "m",
        "28.00",
        Some("201"),
    ),
    (
        "ANODE-ZN",
        "Zinc hull anode, supply and weld on",
        "pcs",
        "165.00",
        Some("212"),
    ),
    (
        "SEA-CHEST",
        "Sea chest and grating, open, clean, coat and close",
        "pcs",
        "1450.00",
        Some("216"),
    ),
    (
        "HATCH-SEAL",
        "Hatch cover rubber packing renewal, per metre",
        "m",
        "68.00",
        Some("311"),
    ),
    (
        "HATCH-HOSE",
        "Hatch cover hose test, per hatch",
        "pcs",
        "240.00",
        Some("311"),
    ),
    (
        "CARGO-PUMP",
        "Cargo pump overhaul, per pump",
        "pcs",
        "9800.00",
        Some("351"),
    ),
    (
        "ANCHOR-CHAIN",
        "Anchor chain ranged, calibrated and marked, per shot",
        "pcs",
        "310.00",
        Some("411"),
    ),
    (
        "WINDLASS-OH",
        "Windlass overhaul, incl. brake lining",
        "set",
        "7200.00",
        Some("412"),
    ),
    (
        "LIFEBOAT-DAVIT",
        "Lifeboat davit overhaul and load test",
        "set",
        "5600.00",
        Some("501"),
    ),
    (
        "ACCOM-LADDER",
        "Accommodation ladder overhaul and load test",
        "set",
        "2100.00",
        Some("521"),
    ),
    (
        "SHAFT-WITHDRAW",
        "Tailshaft withdrawal, survey and refitting",
        "lot",
        "32500.00",
        Some("633"),
    ),
    (
        "SHAFT-SEAL",
        "Stern tube seal renewal, per set (seal kit by owner)",
        "set",
        "6400.00",
        Some("633"),
    ),
    (
        "PROP-POLISH",
        "Propeller polishing in place",
        "lot",
        "2800.00",
        Some("631"),
    ),
    (
        "RUDDER-CLEAR",
        "Rudder and pintle clearances taken and recorded",
        "lot",
        "1150.00",
        Some("641"),
    ),
    (
        "VALVE-SEA-OH",
        "Sea valve overhaul, up to DN 300",
        "pcs",
        "1650.00",
        Some("721"),
    ),
    (
        "PIPE-RENEW",
        "Steel pipe renewal, DN 50-150, per metre",
        "m",
        "210.00",
        Some("721"),
    ),
    (
        "PUMP-OH",
        "Centrifugal pump overhaul, up to 100 m3/h",
        "pcs",
        "2450.00",
        Some("722"),
    ),
    (
        "BALLAST-VALVE",
        "Ballast valve overhaul",
        "pcs",
        "980.00",
        Some("801"),
    ),
    (
        "TANK-CLEAN",
        "Tank cleaning and mucking out, per m3",
        "m3",
        "38.00",
        Some("811"),
    ),
    (
        "CABLE-HV",
        "HV cable renewal, per metre",
        "m",
        "290.00",
        Some("871"),
    ),
    (
        "WASTE-DISPOSAL",
        "Disposal of sludge and blasting waste, per tonne",
        "t",
        "120.00",
        None,
    ),
];

/// The surcharges: code, description, percent.
pub(super) const SURCHARGES: [(&str, &str, &str); 6] = [
    ("DC", "Double curvature", "20"),
    ("DB", "Inside double-bottom tanks", "20"),
    ("HT", "High-tensile steel", "10"),
    ("TH", "Plate thinner than 10 mm", "10"),
    ("OS", "Steel supplied by the owner", "-40"),
    ("OT", "Overtime, nights and Sundays", "50"),
];

/// The currency each owner budgets in.
const OWNER_CURRENCIES: [(&str, &str); 6] = [
    ("ru", "RUB"),
    ("eg", "USD"),
    ("it", "EUR"),
    ("gr", "EUR"),
    ("lk", "USD"),
    ("cn", "CNY"),
];

/// USD per EUR on the Hellas Trader's award (the demo's 2026 rate).
const EUR_2026: &str = "1.0850";

fn d(text: &str) -> BigDecimal {
    text.parse().expect("a decimal")
}

/// A tariff line of the demo, priced by the same rule as the API prices it.
fn tariff_line(
    code: &str,
    quantity: &str,
    modifiers: &[&str],
    discount: &str,
    currency: &str,
) -> serde_json::Value {
    let (_, _, unit, price, _) = TARIFF
        .iter()
        .find(|t| t.0 == code)
        .expect("a tariff code of the demo");
    let rate = if currency == "USD" {
        d("1")
    } else {
        conversion_rate(&d("1"), &d(EUR_2026))
    };
    let tariff = TariffPrice {
        unit: unit.parse::<Unit>().expect("a unit"),
        unit_price: d(price),
        currency: "USD".into(),
        modifiers: modifiers
            .iter()
            .map(|m| {
                let (_, _, p) = SURCHARGES.iter().find(|s| s.0 == *m).expect("a surcharge");
                ((*m).to_owned(), d(p))
            })
            .collect(),
        rate: Some(rate),
    };
    let request = PriceRequest {
        basis: Basis::Tariff,
        amount: None,
        quantity: Some(quantity.into()),
        unit: None,
        unit_price: None,
        discount_percent: Some(discount.into()),
        tariff_code: Some(code.into()),
        modifiers: Some(modifiers.iter().map(|m| (*m).to_owned()).collect()),
    };
    serde_json::to_value(
        price_line("price", &request, Some(&tariff), currency).expect("a priced line"),
    )
    .expect("JSON")
}

/// The tariff and the owners' currencies.
pub(super) fn write_tariff(sql: &mut String) {
    // In the order of the list (a minute apart), as the yard entered it in January.
    for (n, (code, description, unit, price, sfi)) in TARIFF.iter().enumerate() {
        let _ = writeln!(
            sql,
            "INSERT INTO tariff_items (id, code, description, unit, unit_price, currency, sfi_code, created_at, updated_at) \
             VALUES ({}, {}, {}, {}, {price}, 'USD', {}, {at}, {at});",
            q(&demo_id(&format!("tariff:{code}")).to_string()),
            q(code),
            q(description),
            q(unit),
            opt(*sfi),
            at = ts(weihai(2026, 1, 5, 9, 0) + Duration::minutes(n as i64))
        );
    }
    for (n, (code, description, percent)) in SURCHARGES.iter().enumerate() {
        let _ = writeln!(
            sql,
            "INSERT INTO tariff_modifiers (code, description, percent, created_at) VALUES ({}, {}, {percent}, {});",
            q(code),
            q(description),
            ts(weihai(2026, 1, 5, 8, 0) + Duration::minutes(n as i64))
        );
    }
    for (org, currency) in OWNER_CURRENCIES {
        let _ = writeln!(
            sql,
            "UPDATE organizations SET currency = {} WHERE id = {};",
            q(currency),
            q(&demo_id(&format!("org:{org}")).to_string())
        );
    }
}

/// A spec item of the Hellas Trader's contract: task key (an existing task, or a new
/// one with its title and hours), item number, SFI code, supplied by, its line.
struct SpecItem {
    key: &'static str,
    new: Option<(&'static str, f64, &'static str, i32)>,
    item: &'static str,
    sfi: &'static str,
    supplied_by: &'static str,
    line: serde_json::Value,
}

/// The Hellas Trader's docking as a contract in EUR: priced spec items across the SFI
/// groups (its quote is their sum less 2.5 %), its terms, and its variations priced and
/// numbered, one approved at its day's rate, one blocking and overdue, one from class.
pub(super) fn write_hellas(
    sql: &mut String,
    hellas: Uuid,
    planned_end: DateTime<Utc>,
    decided: DateTime<Utc>,
) {
    let eur = "EUR";
    let items = [
        SpecItem {
            key: "hellas-docking",
            new: Some(("Docking, undocking and 21 dock days", 24.0, "done", 100)),
            item: "1.01",
            sfi: "101",
            supplied_by: "yard",
            line: tariff_line("DOCK-DOCKING", "1", &[], "0", eur),
        },
        SpecItem {
            key: "hellas-dockdays",
            new: Some(("Dry dock hire, 21 days", 8.0, "in_progress", 55)),
            item: "1.02",
            sfi: "101",
            supplied_by: "yard",
            line: tariff_line("DOCK-DAY", "21", &[], "5", eur),
        },
        SpecItem {
            key: "hellas-blast",
            new: None,
            item: "2.01",
            sfi: "211",
            supplied_by: "yard",
            line: tariff_line("HULL-BLAST-SA25", "5800", &[], "0", eur),
        },
        SpecItem {
            key: "hellas-paint",
            new: Some((
                "Underwater hull: 2 x AC, 2 x AF (paint by owner)",
                160.0,
                "in_progress",
                30,
            )),
            item: "2.02",
            sfi: "211",
            supplied_by: "owner",
            line: tariff_line("PAINT-AF", "23200", &["OS"], "0", eur),
        },
        SpecItem {
            key: "hellas-plate",
            new: None,
            item: "2.14",
            sfi: "201",
            supplied_by: "yard",
            line: tariff_line("HULL-PLATE", "4.200", &["DC", "HT"], "5", eur),
        },
        SpecItem {
            key: "hellas-ut",
            new: None,
            item: "2.20",
            sfi: "201",
            supplied_by: "yard",
            line: tariff_line("NDT-UT-GAUGE", "850", &[], "0", eur),
        },
        SpecItem {
            key: "hellas-hatch",
            new: Some(("Hatch cover packing, No. 3 and 4 holds", 36.0, "open", 0)),
            item: "3.01",
            sfi: "311",
            supplied_by: "yard",
            line: tariff_line("HATCH-SEAL", "180", &[], "0", eur),
        },
        SpecItem {
            key: "hellas-chain",
            new: Some(("Anchor chains ranged and calibrated", 16.0, "done", 100)),
            item: "4.01",
            sfi: "411",
            supplied_by: "yard",
            line: tariff_line("ANCHOR-CHAIN", "24", &[], "0", eur),
        },
        SpecItem {
            key: "hellas-ladder",
            new: Some(("Accommodation ladder load test", 8.0, "open", 0)),
            item: "5.01",
            sfi: "521",
            supplied_by: "yard",
            line: tariff_line("ACCOM-LADDER", "1", &[], "0", eur),
        },
        SpecItem {
            key: "hellas-shaft",
            new: None,
            item: "6.01",
            sfi: "633",
            supplied_by: "yard",
            line: tariff_line("SHAFT-WITHDRAW", "1", &[], "0", eur),
        },
        SpecItem {
            key: "hellas-valves",
            new: Some(("Sea valves overhaul, 8 off", 48.0, "open", 0)),
            item: "7.01",
            sfi: "721",
            supplied_by: "yard",
            line: tariff_line("VALVE-SEA-OH", "8", &[], "0", eur),
        },
        SpecItem {
            key: "hellas-ballast",
            new: Some(("Ballast valves overhaul, 6 off", 30.0, "open", 0)),
            item: "8.01",
            sfi: "801",
            supplied_by: "yard",
            line: tariff_line("BALLAST-VALVE", "6", &[], "0", eur),
        },
    ];
    let job = q(&hellas.to_string());
    let mut amounts = Vec::new();
    for spec in &items {
        let task = q(&demo_id(&format!("task:{}", spec.key)).to_string());
        if let Some((title, hours, status, progress)) = spec.new {
            let _ = writeln!(
                sql,
                "INSERT INTO tasks (id, job_id, title, estimated_hours, status, progress_percent, created_at) \
                 VALUES ({task}, {job}, {}, {hours}, {}, {progress}, {});",
                q(title),
                q(status),
                ts(decided - Duration::days(40))
            );
        }
        let _ = writeln!(
            sql,
            "UPDATE tasks SET item_number = {}, sfi_code = {}, supplied_by = {}, price = {}::jsonb WHERE id = {task};",
            q(spec.item),
            q(spec.sfi),
            q(spec.supplied_by),
            q(&spec.line.to_string())
        );
        amounts.push(d(spec.line["amount"].as_str().expect("an amount")));
    }
    let discount = d("2.5");
    let quote = quote_for_items(&amounts, Some(&discount));
    let _ = writeln!(
        sql,
        "UPDATE jobs SET currency = 'EUR', quote_currency = 'EUR', quote_amount = {quote}, \
         quote_discount_percent = {discount} WHERE id = {job};"
    );
    // Terms: 50 % before sailing, 50 % within 30 days (a Chinese yard's usual), the
    // redelivery nine days before today's planned end (the ledger below moves it by
    // seven: the yard runs two days late of its own), damages of EUR 3 500 a day up to
    // EUR 70 000.
    let _ = writeln!(
        sql,
        "INSERT INTO contract_terms (job_id, redelivery_date, guarantee_months, payment_terms, \
         delay_damages_per_day, delay_damages_max, response_hours) VALUES ({job}, {}, 3, \
         '[{{\"percent\": \"50\", \"due\": \"on_redelivery\"}}, {{\"percent\": \"50\", \"due\": \"after_redelivery\", \"days\": 30}}]', \
         3500, 70000, 48);",
        q(&(planned_end - Duration::days(9))
            .with_timezone(&chrono_tz::Asia::Shanghai)
            .date_naive()
            .to_string())
    );
    // The variations: the bilge strake (blocking, its answer overdue), the grating
    // (approved), anodes for class (priced from the tariff), the owner's own request.
    let _ = writeln!(
        sql,
        "UPDATE additional_work SET currency = 'EUR', origin = 'finding', task_id = {}, time_impact_days = 3, \
         blocking = true WHERE id = {};",
        q(&demo_id("task:hellas-plate").to_string()),
        q(&demo_id("additional:hellas-bilge").to_string())
    );
    // The grating stopped the sea chest's closing up until decided (blocking), was
    // answered 30 hours after its respond-by, and took two days more: two entries.
    let grating = q(&demo_id("additional:hellas-grating").to_string());
    let _ = writeln!(
        sql,
        "UPDATE additional_work SET currency = 'EUR', origin = 'finding', blocking = true, time_impact_days = 2, \
         created_at = decided_at - interval '78 hours', respond_by = decided_at - interval '30 hours', \
         fx_usd_per_unit = usd_per_unit('EUR', (decided_at AT TIME ZONE 'Asia/Shanghai')::date) WHERE id = {grating};"
    );
    write_hellas_ledger(sql, &job, &grating, decided);
    let anodes = tariff_line("ANODE-ZN", "48", &[], "0", eur);
    let created = decided - Duration::hours(20);
    let _ = writeln!(
        sql,
        "INSERT INTO additional_work (id, job_id, seq, description, amount, currency, status, created_at, respond_by, \
         origin, task_id, time_impact_days, price) VALUES ({}, {job}, 3, \
         'Renew 48 zinc anodes found wasted below 50 %, required by the class surveyor', {}, 'EUR', 'pending', {}, {}, \
         'class_requirement', {}, 1, {}::jsonb);",
        q(&demo_id("additional:hellas-anodes").to_string()),
        anodes["amount"].as_str().expect("an amount"),
        ts(created),
        ts(created + Duration::hours(48)),
        q(&demo_id("task:hellas-blast").to_string()),
        q(&anodes.to_string())
    );
    let _ = writeln!(
        sql,
        "INSERT INTO additional_work (id, job_id, seq, description, amount, currency, status, created_at, respond_by, \
         decided_at, decided_by, decision_note, origin, time_impact_days, fx_usd_per_unit) VALUES ({}, {job}, 4, \
         'Owner''s funnel mark and hull name repainted in the new colours', 2400.00, 'EUR', 'approved', {}, {}, {}, {}, \
         'Please use the colour codes sent by mail.', 'owner_request', 0, usd_per_unit('EUR', {}));",
        q(&demo_id("additional:hellas-funnel").to_string()),
        ts(decided - Duration::days(8)),
        ts(decided - Duration::days(6)),
        ts(decided - Duration::days(7)),
        q(&demo_id("client:gr").to_string()),
        q(&(decided - Duration::days(7))
            .with_timezone(&chrono_tz::Asia::Shanghai)
            .date_naive()
            .to_string())
    );
}

/// The Hellas Trader's redelivery ledger: the grating's two automatic entries, a gale
/// day, and the owner's late seal kit, which the owner disputes.
fn write_hellas_ledger(sql: &mut String, job: &str, grating: &str, decided: DateTime<Utc>) {
    let client = q(&demo_id("client:gr").to_string());
    let manager = q(&demo_id("manager").to_string());
    for (n, (cause, days)) in [("variation", 2), ("late_decision", 2)]
        .into_iter()
        .enumerate()
    {
        let _ = writeln!(
            sql,
            "INSERT INTO redelivery_entries (job_id, at, days, cause, additional_work_id, by_role) \
             VALUES ({job}, {}, {days}, '{cause}', {grating}, 'system');",
            ts(decided + Duration::milliseconds(n as i64))
        );
    }
    let gale = decided + Duration::days(2);
    let _ = writeln!(
        sql,
        "INSERT INTO redelivery_entries (job_id, at, days, cause, note, by_role, created_by) \
         VALUES ({job}, {}, 1, 'weather', {}, 'manager', {manager});",
        ts(gale + Duration::hours(9)),
        q(&format!(
            "Gale on {} (Beaufort 8, gusts over 20 m/s): no crane lifts and no hull painting all day.",
            gale.with_timezone(&chrono_tz::Asia::Shanghai)
                .format("%-d %B")
        ))
    );
    let seal = decided + Duration::days(4) + Duration::hours(2);
    let _ = writeln!(
        sql,
        "INSERT INTO redelivery_entries (job_id, at, days, cause, note, by_role, created_by, status, \
         dispute_note, disputed_at, disputed_by) VALUES ({job}, {}, 2, 'owner_supply_late', {}, 'manager', \
         {manager}, 'disputed', {}, {}, {client});",
        ts(seal),
        q(
            "The owner-supplied stern tube seal kit reached the yard two days after the agreed date; \
           the tailshaft could not be refitted until it came."
        ),
        q(
            "The kit was at the yard gate on the agreed day: the forwarder's delivery note is with our \
           superintendent. Please check the gate log."
        ),
        ts(seal + Duration::hours(5))
    );
}

/// Terms for every other awarded job: the defaults, the redelivery on its planned end.
pub(super) fn write_default_terms(sql: &mut String) {
    let _ = writeln!(
        sql,
        "INSERT INTO contract_terms (job_id, redelivery_date) \
         SELECT id, (planned_end AT TIME ZONE 'Asia/Shanghai')::date FROM jobs \
         WHERE awarded_at IS NOT NULL ON CONFLICT (job_id) DO NOTHING; \
         UPDATE jobs j SET contract_redelivery = t.redelivery_date FROM contract_terms t \
         WHERE t.job_id = j.id;"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_tariff_prices_the_spec_example() {
        let line = tariff_line("HULL-PLATE", "4.200", &["DC", "HT"], "5", "USD");
        assert_eq!(line["unit_price"], "4940.00");
        assert_eq!(line["amount"], "19710.60");
        for (code, _, unit, _, sfi) in TARIFF {
            assert!(
                crate::tariff::rules::check_code("code", code).is_ok(),
                "{code}"
            );
            assert!(unit.parse::<Unit>().is_ok(), "{unit}");
            if let Some(sfi) = sfi {
                assert!(
                    crate::contracts::rules::check_sfi_code("sfi", sfi).is_ok(),
                    "{sfi}"
                );
            }
        }
    }
}
