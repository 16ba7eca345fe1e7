//! The demo's jobs under way, placed around today.

use super::*;

/// This year's jobs, one or more in every status, with tasks, bookings, assignments and
/// work logs for the ones under way.
/// The jobs under way, with their docks, people and findings: written around
/// [`ANCHOR_DAY`], moved by `shift`, numbered in `year`.
pub(super) fn write_current(sql: &mut String, shift: Duration, year: i32) {
    let at = |m: u32, d: u32, h: u32| weihai(2026, m, d, h, 0) + shift;
    let mut n = 0;
    let mut job = |sql: &mut String,
                   vessel: &'static str,
                   title: &'static str,
                   status: &'static str,
                   quote: Option<(&'static str, &'static str)>,
                   planned: Option<(DateTime<Utc>, DateTime<Utc>)>,
                   path: Vec<(&'static str, DateTime<Utc>, Option<&'static str>)>|
     -> Uuid {
        n += 1;
        let key = format!("job:{year}:{n}");
        let created_at = path
            .first()
            .map_or(at(11, 20, 9), |p| p.1 - Duration::days(6));
        write_job(
            sql,
            &DemoJob {
                key: key.clone(),
                number: format!("J-{year}-{n:04}"),
                vessel,
                org: org_of(vessel),
                title,
                description: "See the attached repair specification.",
                priority: if status == "in_progress" {
                    "high"
                } else {
                    "normal"
                },
                status,
                quote,
                planned,
                closed_at: (status == "closed").then(|| path.last().expect("a closed path").1),
                created_at,
                path,
            },
        );
        demo_id(&key)
    };
    let uid = |name: &str| q(&demo_id(name).to_string());

    job(
        sql,
        "Nile Star",
        "Boiler survey and tube renewal",
        "requested",
        None,
        None,
        vec![],
    );
    job(
        sql,
        "Galle Fisher 7",
        "Propeller and stern tube inspection",
        "quoted",
        Some(("86500.00", "USD")),
        None,
        vec![(
            "quoted",
            at(11, 25, 11),
            Some("Slipway A, five days; includes new stern tube seals."),
        )],
    );
    job(
        sql,
        "Stella di Genova",
        "Annual survey and lifeboat davit overhaul",
        "quoted",
        Some(("480000.00", "EUR")),
        None,
        vec![(
            "quoted",
            at(11, 24, 10),
            Some("Valid for 30 days; davit parts from the maker."),
        )],
    );
    let approved = job(
        sql,
        "Akademik Ioffe",
        "Ice belt steel renewal",
        "approved",
        Some(("1250000.00", "USD")),
        None,
        vec![
            ("quoted", at(11, 10, 10), None),
            ("approved", at(11, 14, 16), None),
        ],
    );
    let scheduled = job(
        sql,
        "Aegean Glory",
        "Special survey, hull coating and sea valves",
        "scheduled",
        Some(("2100000.00", "USD")),
        Some((at(12, 1, 8), at(12, 21, 17))),
        vec![
            ("quoted", at(10, 20, 10), None),
            ("approved", at(10, 27, 15), None),
            ("scheduled", at(11, 2, 9), None),
        ],
    );
    let hellas = job(
        sql,
        "Hellas Trader",
        "Docking: blasting, coating, shell plating and tailshaft",
        "in_progress",
        Some(("1850000.00", "USD")),
        Some((at(11, 15, 8), at(12, 5, 17))),
        vec![
            ("quoted", at(10, 5, 10), None),
            ("approved", at(10, 9, 15), None),
            ("scheduled", at(10, 20, 9), None),
            ("in_progress", at(11, 15, 8), None),
        ],
    );
    let explorer = job(
        sql,
        "Shandong Explorer",
        "Main switchboard overhaul and ballast piping",
        "in_progress",
        Some(("6800000.00", "CNY")),
        Some((at(11, 18, 8), at(12, 10, 17))),
        vec![
            ("quoted", at(10, 12, 10), None),
            ("approved", at(10, 15, 11), None),
            ("scheduled", at(11, 1, 9), None),
            ("in_progress", at(11, 18, 8), None),
        ],
    );
    let held = job(
        sql,
        "Alexandria Pride",
        "Hold frames and tank top renewal",
        "on_hold",
        Some(("950000.00", "USD")),
        Some((at(11, 1, 8), at(11, 20, 17))),
        vec![
            ("quoted", at(9, 20, 10), None),
            ("approved", at(9, 25, 15), None),
            ("scheduled", at(10, 10, 9), None),
            ("in_progress", at(11, 1, 8), None),
            (
                "on_hold",
                at(11, 12, 14),
                Some("Waiting for class approval of the steel renewal plan."),
            ),
        ],
    );
    let completed = job(
        sql,
        "Murmansk Trader",
        "Rudder stock and bearing renewal",
        "completed",
        Some(("720000.00", "USD")),
        Some((at(10, 1, 8), at(10, 25, 17))),
        vec![
            ("quoted", at(8, 25, 10), None),
            ("approved", at(8, 29, 15), None),
            ("scheduled", at(9, 10, 9), None),
            ("in_progress", at(10, 1, 8), None),
            ("completed", at(10, 24, 16), None),
        ],
    );
    job(
        sql,
        "Laguna Veneta",
        "Cargo tank coating repairs",
        "closed",
        Some(("610000.00", "EUR")),
        Some((at(8, 20, 8), at(9, 25, 17))),
        vec![
            ("quoted", at(7, 10, 10), None),
            ("approved", at(7, 16, 15), None),
            ("scheduled", at(8, 1, 9), None),
            ("in_progress", at(8, 20, 8), None),
            ("completed", at(9, 25, 16), None),
            ("closed", at(9, 30, 11), None),
        ],
    );
    job(
        sql,
        "Colombo Trader",
        "Bow thruster overhaul",
        "cancelled",
        None,
        None,
        vec![(
            "cancelled",
            at(11, 3, 10),
            Some("The owner sold the vessel."),
        )],
    );
    job(
        sql,
        "Piraeus Star",
        "Cargo pump overhaul and deck piping renewal",
        "quoted",
        Some(("642000.00", "USD")),
        None,
        vec![(
            "quoted",
            at(11, 24, 15),
            Some("Valid 30 days; 18 days in Repair Berth 3."),
        )],
    );
    let _ = writeln!(
        sql,
        "INSERT INTO job_number_counters (year, last_value) VALUES ({year}, {n});"
    );

    // Dock bookings of the jobs that have a dock.
    for (name, dock, vessel, job_id, (s, e)) in [
        (
            "aegean",
            "Dry Dock No. 2",
            "Aegean Glory",
            scheduled,
            (at(12, 1, 8), at(12, 21, 17)),
        ),
        (
            "hellas",
            "Dry Dock No. 1",
            "Hellas Trader",
            hellas,
            (at(11, 15, 8), at(12, 5, 17)),
        ),
        (
            "explorer",
            "Floating Dock Weihai 8",
            "Shandong Explorer",
            explorer,
            (at(11, 18, 8), at(12, 10, 17)),
        ),
        (
            "alexandria",
            "Repair Berth 3",
            "Alexandria Pride",
            held,
            (at(11, 1, 8), at(11, 20, 17)),
        ),
        (
            "murmansk",
            "Dry Dock No. 2",
            "Murmansk Trader",
            completed,
            (at(10, 1, 8), at(10, 25, 17)),
        ),
    ] {
        let _ = writeln!(
            sql,
            "INSERT INTO dock_bookings (id, dock_id, vessel_id, job_id, starts_at, ends_at, created_by) \
             VALUES ({}, {}, {}, {}, {}, {}, {});",
            uid(&format!("booking:{name}")),
            uid(&format!("dock:{dock}")),
            uid(&format!("vessel:{vessel}")),
            q(&job_id.to_string()),
            ts(s),
            ts(e),
            uid("manager")
        );
    }
    // A vessel waiting for its turn, without a job yet.
    let _ = writeln!(
        sql,
        "INSERT INTO dock_bookings (id, dock_id, vessel_id, starts_at, ends_at, notes, created_by) \
         VALUES ({}, {}, {}, {}, {}, 'Provisional: owner to confirm the repair list.', {});",
        uid("booking:lu-rong-yu"),
        uid("dock:Slipway A"),
        uid("vessel:Lu Rong Yu 6011"),
        ts(at(12, 8, 8)),
        ts(at(12, 14, 17)),
        uid("manager")
    );

    // Tasks: (key, job, title, hours, certification, status, progress)
    let tasks: [DemoTask; 12] = [
        (
            "hellas-blast",
            hellas,
            "Grit blasting and hull coating",
            400.0,
            Some("COAT-INSP"),
            "in_progress",
            60,
        ),
        (
            "hellas-plate",
            hellas,
            "Shell plating renewal, bilge strake",
            300.0,
            Some("WELD-3G"),
            "in_progress",
            35,
        ),
        (
            "hellas-ut",
            hellas,
            "UT thickness gauging",
            80.0,
            Some("NDT-UT2"),
            "done",
            100,
        ),
        (
            "hellas-shaft",
            hellas,
            "Tailshaft withdrawal and survey",
            120.0,
            None,
            "in_progress",
            20,
        ),
        (
            "explorer-switchboard",
            explorer,
            "Main switchboard overhaul",
            160.0,
            Some("ELEC-HV"),
            "in_progress",
            45,
        ),
        (
            "explorer-piping",
            explorer,
            "Renew ballast piping, port side",
            200.0,
            None,
            "in_progress",
            30,
        ),
        (
            "alexandria-frames",
            held,
            "Hold frames renewal",
            350.0,
            Some("WELD-3G"),
            "in_progress",
            25,
        ),
        (
            "alexandria-tanktop",
            held,
            "Tank top plating",
            250.0,
            Some("WELD-3G"),
            "open",
            0,
        ),
        (
            "murmansk-rudder",
            completed,
            "Rudder stock renewal",
            220.0,
            Some("WELD-6G"),
            "done",
            100,
        ),
        (
            "murmansk-bearing",
            completed,
            "Rudder carrier bearing",
            90.0,
            None,
            "done",
            100,
        ),
        (
            "aegean-coating",
            scheduled,
            "Underwater hull coating",
            380.0,
            Some("COAT-INSP"),
            "open",
            0,
        ),
        (
            "aegean-valves",
            scheduled,
            "Overhaul sea valves",
            140.0,
            None,
            "open",
            0,
        ),
    ];
    for (key, job_id, title, hours, cert, status, progress) in tasks {
        let _ = writeln!(
            sql,
            "INSERT INTO tasks (id, job_id, title, estimated_hours, required_certification, status, progress_percent, created_at) \
             VALUES ({}, {}, {}, {hours}, {}, {}, {progress}, {});",
            uid(&format!("task:{key}")),
            q(&job_id.to_string()),
            q(title),
            opt(cert),
            q(status),
            ts(at(10, 1, 8))
        );
    }

    // Assignments and the work logged under them (08:00-12:00 and 13:00-17:00 Weihai).
    let assignments: [DemoAssignment; 6] = [
        ("zhou", "hellas-blast", "hellas", (11, 16), (12, 5)),
        ("liu", "hellas-plate", "hellas", (11, 16), (12, 5)),
        ("chen", "hellas-ut", "hellas", (11, 16), (11, 22)),
        ("wu", "hellas-shaft", "hellas", (11, 17), (12, 5)),
        (
            "zhao",
            "explorer-switchboard",
            "explorer",
            (11, 18),
            (12, 10),
        ),
        ("sun", "explorer-piping", "explorer", (11, 18), (12, 10)),
    ];
    for (tech, task, job_key, (m1, d1), (m2, d2)) in assignments {
        let assignment = format!("assignment:{tech}");
        let job_id = if job_key == "hellas" {
            hellas
        } else {
            explorer
        };
        let _ = writeln!(
            sql,
            "INSERT INTO assignments (id, task_id, technician_id, starts_at, ends_at, created_by) \
             VALUES ({}, {}, {}, {}, {}, {});",
            uid(&assignment),
            uid(&format!("task:{task}")),
            uid(&format!("tech:{tech}")),
            ts(at(m1, d1, 0)),
            ts(at(m2, d2, 0)),
            uid("manager")
        );
        let last_day = if (m2, d2) < (11, 26) { d2 - 1 } else { 25 };
        for d in d1..=last_day {
            for (from, to) in [(8, 12), (13, 17)] {
                let _ = writeln!(
                    sql,
                    "INSERT INTO work_logs (assignment_id, technician_id, task_id, job_id, started_at, ended_at, description) \
                     VALUES ({}, {}, {}, {}, {}, {}, {});",
                    uid(&assignment),
                    uid(&format!("tech:{tech}")),
                    uid(&format!("task:{task}")),
                    q(&job_id.to_string()),
                    ts(at(11, d, from)),
                    ts(at(11, d, to)),
                    q(&format!(
                        "Shift work on {}, day {}.",
                        task.replace('-', " "),
                        d - d1 + 1
                    ))
                );
            }
        }
    }

    // Additional work found under way.
    let mut numbered: std::collections::HashMap<Uuid, i32> = std::collections::HashMap::new();
    for (key, job_id, description, amount, currency, status) in [
        (
            "hellas-bilge",
            hellas,
            "Renew 14 m2 of shell plating at the bilge strake",
            "38500.00",
            "USD",
            "pending",
        ),
        (
            "hellas-grating",
            hellas,
            "Replace sea chest grating",
            "6200.00",
            "USD",
            "approved",
        ),
        (
            "explorer-cable",
            explorer,
            "Renew 120 m of damaged HV cable",
            "185000.00",
            "CNY",
            "pending",
        ),
        (
            "murmansk-pintle",
            completed,
            "Renew rudder pintle bush",
            "14800.00",
            "USD",
            "approved",
        ),
        (
            "ioffe-knife",
            approved,
            "Renew the ice knife plating found cracked at survey",
            "42000.00",
            "USD",
            "pending",
        ),
        (
            "alexandria-frames",
            held,
            "Class asks for 6 more hold frames in No. 4 hold",
            "61500.00",
            "USD",
            "pending",
        ),
    ] {
        let decided = if status == "pending" {
            "NULL, NULL".to_owned()
        } else {
            format!(
                "{}, {}",
                ts(at(11, 20, 10)),
                uid(&format!(
                    "client:{}",
                    if job_id == completed { "ru" } else { "gr" }
                ))
            )
        };
        // Numbered per job in the order found (V-001, V-002, ...).
        let seq = {
            let n = numbered.entry(job_id).or_insert(0);
            *n += 1;
            *n
        };
        let _ = writeln!(
            sql,
            "INSERT INTO additional_work (id, job_id, description, amount, currency, status, decided_at, decided_by, \
             created_at, seq, respond_by) \
             VALUES ({}, {}, {}, {amount}, {}, {}, {decided}, {}, {seq}, {});",
            uid(&format!("additional:{key}")),
            q(&job_id.to_string()),
            q(description),
            q(currency),
            q(status),
            ts(at(11, 19, 15)),
            ts(at(11, 19, 15) + Duration::hours(48))
        );
    }
    super::contracts::write_hellas(sql, hellas, at(12, 5, 17), at(11, 20, 10));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_imo_numbers_are_valid_and_distinct() {
        let numbers: Vec<String> = (0..33u32).map(|n| imo(930_101 + n * 173)).collect();
        for n in &numbers {
            assert!(normalize_imo(n).is_ok(), "{n}");
        }
        let mut unique = numbers.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), numbers.len());
    }

    #[test]
    fn the_script_is_the_same_every_time() {
        let today = day(2026, 12, 1);
        assert_eq!(build_sql("hash", today), build_sql("hash", today));
        assert!(VESSELS.len() >= 30);
    }
}
