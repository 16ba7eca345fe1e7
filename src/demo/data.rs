//! The demo yard as data: its owners, vessels, technicians and certificate types.

/// The demo's client organisations: key, name, country, user name.
pub(super) const ORGS: [(&str, &str, &str, &str); 6] = [
    ("ru", "Sovfracht Murmansk", "RU", "Anna Petrova"),
    ("eg", "Alexandria Bulk Shipping", "EG", "Ahmed Hassan"),
    ("it", "Navigazione Adriatica", "IT", "Giulia Romano"),
    ("gr", "Piraeus Bulk Carriers", "GR", "Nikos Papadopoulos"),
    ("lk", "Ceylon Ocean Lines", "LK", "Nuwan Perera"),
    ("cn", "Shandong Ocean Fishing", "CN", "Li Na"),
];

/// Vessels: owner key, name, type, flag, whether it has an IMO number.
pub(super) const VESSELS: [(&str, &str, &str, &str, bool); 33] = [
    ("ru", "Kapitan Dranitsyn", "other", "RU", true),
    ("ru", "Akademik Ioffe", "research", "RU", true),
    ("ru", "Murmansk Trader", "bulk_carrier", "RU", true),
    ("ru", "Polar Star", "fishing", "RU", true),
    ("ru", "Kola Bay", "tanker", "RU", true),
    ("ru", "Severomorsk Carrier", "general_cargo", "RU", true),
    ("eg", "Alexandria Pride", "bulk_carrier", "EG", true),
    ("eg", "Nile Star", "tanker", "EG", true),
    ("eg", "Pharos", "container_ship", "MT", true),
    ("eg", "Port Said Express", "ro_ro", "EG", true),
    ("eg", "Sinai Spirit", "bulk_carrier", "PA", true),
    ("it", "Adriatica Prima", "ro_ro", "IT", true),
    ("it", "Stella di Genova", "passenger", "IT", true),
    ("it", "Laguna Veneta", "tanker", "IT", true),
    ("it", "Mare Nostrum", "general_cargo", "IT", true),
    ("it", "Bora", "tug", "IT", true),
    ("gr", "Aegean Glory", "bulk_carrier", "GR", true),
    ("gr", "Hellas Trader", "bulk_carrier", "GR", true),
    ("gr", "Piraeus Star", "tanker", "MH", true),
    ("gr", "Kalliopi", "container_ship", "LR", true),
    ("gr", "Ionian Sea", "tanker", "GR", true),
    ("gr", "Thessaloniki Bridge", "bulk_carrier", "GR", true),
    ("lk", "Ceylon Pearl", "general_cargo", "LK", true),
    ("lk", "Lanka Ranger", "offshore", "LK", true),
    ("lk", "Galle Fisher 7", "fishing", "LK", false),
    ("lk", "Colombo Trader", "container_ship", "LK", true),
    ("lk", "Samudra Research", "research", "LK", true),
    ("cn", "Lu Rong Yu 6011", "fishing", "CN", false),
    ("cn", "Lu Rong Yu 6012", "fishing", "CN", false),
    ("cn", "Shandong Explorer", "research", "CN", true),
    ("cn", "Weihai Star", "bulk_carrier", "CN", true),
    ("cn", "Xiang Yang Hong 18", "research", "CN", true),
    ("cn", "Lu Wei Yu 88", "fishing", "CN", true),
];

/// Typical dimensions by type: gross tonnage, LOA, beam, draft, lightweight.
pub(super) fn dimensions(kind: &str) -> (f64, f64, f64, f64, f64) {
    match kind {
        "bulk_carrier" => (32_000.0, 190.0, 32.3, 12.5, 9_800.0),
        "tanker" => (29_000.0, 183.0, 32.2, 11.8, 11_200.0),
        "container_ship" => (35_000.0, 210.0, 32.2, 11.5, 12_500.0),
        "general_cargo" => (6_500.0, 120.0, 20.0, 7.5, 3_200.0),
        "ro_ro" => (25_000.0, 180.0, 28.0, 7.0, 9_000.0),
        "passenger" => (30_000.0, 175.0, 28.0, 6.8, 9_500.0),
        "fishing" => (1_200.0, 55.0, 11.0, 4.8, 900.0),
        "research" => (4_500.0, 90.0, 17.0, 6.0, 2_800.0),
        "offshore" => (2_800.0, 75.0, 17.0, 6.5, 2_100.0),
        "tug" => (450.0, 32.0, 11.0, 4.5, 380.0),
        _ => (12_000.0, 130.0, 26.5, 8.5, 8_500.0),
    }
}

/// Technicians: key, name, trade, certificates (type, issued, expires).
pub(super) type Cert = (&'static str, (i32, u32, u32), (i32, u32, u32));
pub(super) const TECHNICIANS: [(&str, &str, &str, &[Cert]); 8] = [
    (
        "liu",
        "Liu Yang",
        "welder",
        &[
            ("WELD-3G", (2024, 3, 1), (2027, 3, 1)),
            ("WELD-6G", (2023, 6, 1), (2026, 12, 20)),
        ],
    ),
    (
        "wang",
        "Wang Fang",
        "welder",
        &[("WELD-3G", (2022, 1, 10), (2026, 11, 10))],
    ),
    (
        "chen",
        "Chen Jie",
        "ndt_inspector",
        &[("NDT-UT2", (2025, 1, 15), (2028, 1, 15))],
    ),
    (
        "zhao",
        "Zhao Lei",
        "electrician",
        &[("ELEC-HV", (2024, 5, 1), (2026, 12, 31))],
    ),
    ("sun", "Sun Hao", "pipefitter", &[]),
    (
        "zhou",
        "Zhou Min",
        "painter",
        &[("COAT-INSP", (2025, 2, 1), (2027, 2, 1))],
    ),
    ("wu", "Wu Qiang", "fitter", &[]),
    (
        "xu",
        "Xu Jing",
        "rigger",
        &[("RIG-L2", (2021, 1, 1), (2026, 10, 31))],
    ),
];

pub(super) const CERT_TYPES: [(&str, &str); 6] = [
    (
        "WELD-3G",
        "Welder qualification, vertical position (ISO 9606-1 3G)",
    ),
    (
        "WELD-6G",
        "Welder qualification, pipe 45 degrees fixed (ISO 9606-1 6G)",
    ),
    ("NDT-UT2", "Ultrasonic testing level 2 (ISO 9712)"),
    ("ELEC-HV", "High-voltage electrical work on board"),
    ("COAT-INSP", "Coating inspector (NACE/FROSIO)"),
    ("RIG-L2", "Rigger and slinger level 2"),
];
