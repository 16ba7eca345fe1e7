//! The OpenAPI document tells the truth about what the service answers: the demo yard,
//! crawled as a manager, two clients and a technician through every `GET` the document
//! names (lists, items, reports, nested resources), answers only statuses the document
//! declares for that operation, with bodies its schema for that status accepts. A client
//! generated from the document would read every one of them.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::common::{Session, TestApp, fast_dispatch};
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

/// Query values for parameters an operation requires, by name. A new required parameter
/// without a value here fails the crawl, so that it is crawled too.
fn query_value(name: &str, ids: &HashMap<String, Vec<String>>) -> Option<String> {
    let today = chrono::Utc::now().date_naive();
    Some(match name {
        "vessel_id" => ids.get("/api/v1/vessels")?.first()?.clone(),
        "duration_hours" => "72".into(),
        "from" => format!("{}T00:00:00Z", today - chrono::Days::new(30)),
        "to" => format!("{}T00:00:00Z", today + chrono::Days::new(60)),
        "from_year" => "2019".into(),
        "to_year" => "2026".into(),
        "within_days" => "60".into(),
        "date" => (today - chrono::Days::new(1)).to_string(),
        _ => return None,
    })
}

/// The document, and a validator per schema it declares for a response.
struct Document {
    doc: Value,
    validators: HashMap<String, jsonschema::Validator>,
}

impl Document {
    /// The schema declared for `template`'s GET answering `status` as `media`, compiled
    /// against the document's components; `Err` when no such answer is declared.
    fn validator(
        &mut self,
        template: &str,
        status: u16,
        media: &str,
    ) -> Result<Option<&jsonschema::Validator>, String> {
        let pointer = format!(
            "/paths/{}/get/responses/{status}",
            template.replace('~', "~0").replace('/', "~1")
        );
        let Some(response) = self.doc.pointer(&pointer) else {
            return Err(format!(
                "GET {template} answered {status}, which it does not declare"
            ));
        };
        let Some(content) = response.get("content") else {
            return Err(format!("GET {template} {status} declares no body"));
        };
        let Some(schema) = content.get(media).and_then(|m| m.get("schema")) else {
            let declared: Vec<&String> = content.as_object().unwrap().keys().collect();
            return Err(format!(
                "GET {template} {status} answered {media}, declared {declared:?}"
            ));
        };
        if !media.ends_with("json") {
            return Ok(None);
        }
        let key = format!("{template} {status} {media}");
        if !self.validators.contains_key(&key) {
            let mut root = schema.clone();
            root["components"] = self.doc["components"].clone();
            let validator = jsonschema::options()
                .with_draft(jsonschema::Draft::Draft202012)
                .should_validate_formats(true)
                .build(&root)
                .map_err(|e| format!("the schema of GET {template} {status}: {e}"))?;
            self.validators.insert(key.clone(), validator);
        }
        Ok(self.validators.get(&key))
    }
}

/// What one caller found: ids by the collection they belong to, and what went wrong.
#[derive(Default)]
struct Crawl {
    ids: HashMap<String, Vec<String>>,
    answered: BTreeSet<String>,
    visited: BTreeSet<String>,
    mismatches: Vec<String>,
}

/// The collection a list's items belong to: itself, or for a nested list
/// (`/api/v1/jobs/{id}/attachments`) the top-level collection of the same name
/// (`/api/v1/attachments`), whose items the document may name by id.
fn collection_of(template: &str) -> String {
    if template.contains('{') {
        format!("/api/v1/{}", template.rsplit('/').next().unwrap())
    } else {
        template.to_owned()
    }
}

/// At most this many ids of a collection are followed (all jobs: each is read).
fn followed(collection: &str) -> usize {
    if collection == "/api/v1/jobs" {
        usize::MAX
    } else {
        12
    }
}

async fn crawl(app: &TestApp, who: &str, session: &Session, doc: &mut Document) -> Crawl {
    let mut found = Crawl::default();
    let mut templates: Vec<(String, Vec<Value>)> = doc.doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(path, item)| path.starts_with("/api/v1/") && item.get("get").is_some())
        .map(|(path, item)| {
            let parameters = item["get"]["parameters"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            (path.clone(), parameters)
        })
        .collect();
    // Collections first, so that their ids are known when items are read.
    templates.sort_by_key(|(path, _)| (path.matches('{').count(), path.clone()));
    // Nested lists name ids of other collections: a second pass reads those items.
    for pass in 0..2 {
        for (template, parameters) in &templates {
            let prefix = template.split("/{id}").next().unwrap();
            let urls: Vec<String> = if template.contains("{id}") {
                found
                    .ids
                    .get(prefix)
                    .map(|ids| {
                        ids.iter()
                            .take(followed(prefix))
                            .map(|id| template.replace("{id}", id))
                            .collect()
                    })
                    .unwrap_or_default()
            } else {
                vec![template.clone()]
            };
            let mut query = Vec::new();
            let mut missing = None;
            for parameter in parameters {
                if parameter["in"] == "query" && parameter["required"] == true {
                    let name = parameter["name"].as_str().unwrap();
                    match query_value(name, &found.ids) {
                        Some(value) => query.push(format!("{name}={value}")),
                        None => missing = Some(name.to_owned()),
                    }
                }
            }
            if let Some(name) = missing {
                if pass == 1 {
                    found.mismatches.push(format!(
                        "GET {template} requires `{name}`, which the crawl has no value for"
                    ));
                }
                continue;
            }
            for url in urls {
                let url = if query.is_empty() {
                    url
                } else {
                    format!("{url}?{}", query.join("&"))
                };
                if !found.visited.insert(url.clone()) {
                    continue;
                }
                let resp = app
                    .http
                    .get(format!("{}{url}", app.address))
                    .bearer_auth(&session.token)
                    .send()
                    .await
                    .unwrap();
                let status = resp.status().as_u16();
                let media = resp
                    .headers()
                    .get("content-type")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .split(';')
                    .next()
                    .unwrap()
                    .trim()
                    .to_owned();
                let bytes = resp.bytes().await.unwrap();
                if (200..300).contains(&status) {
                    found.answered.insert(template.clone());
                }
                if bytes.is_empty() {
                    continue;
                }
                let validator = match doc.validator(template, status, &media) {
                    Ok(Some(v)) => v,
                    Ok(None) => continue,
                    Err(e) => {
                        found.mismatches.push(format!("{who}: {url}: {e}"));
                        continue;
                    }
                };
                let body: Value = match serde_json::from_slice(&bytes) {
                    Ok(body) => body,
                    Err(e) => {
                        found
                            .mismatches
                            .push(format!("{who}: {url}: not JSON though {media}: {e}"));
                        continue;
                    }
                };
                for error in validator.iter_errors(&body).take(5) {
                    found.mismatches.push(format!(
                        "{who}: GET {url} ({status}) at {}: {error}",
                        error.instance_path()
                    ));
                }
                if let Some(items) = body["items"].as_array() {
                    let ids = found.ids.entry(collection_of(template)).or_default();
                    for id in items.iter().filter_map(|i| i["id"].as_str()) {
                        if !ids.iter().any(|known| known == id) {
                            ids.push(id.to_owned());
                        }
                    }
                }
            }
        }
    }
    found
}

fn seed(app: &TestApp) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_slipway"))
        .arg("seed-demo")
        .env("DATABASE_URL", app.database_url())
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("run slipway");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

async fn demo_login(app: &TestApp, email: &str) -> Session {
    let reply = app
        .login(email, slipway::demo::DEMO_PASSWORD)
        .await
        .expect(200);
    Session {
        user_id: reply.body["user"]["id"].as_str().unwrap().parse().unwrap(),
        email: email.to_owned(),
        token: reply.body["access_token"].as_str().unwrap().to_owned(),
        refresh: reply.body["refresh_token"].as_str().unwrap().to_owned(),
    }
}

/// A photo and a webhook, so that the operations reading them have one to read.
async fn add_what_the_demo_lacks(app: &TestApp, manager: &Session) {
    let jobs = app
        .get("/api/v1/jobs?status=in_progress", &manager.token)
        .await
        .expect(200);
    let job = jobs.body["items"][0]["id"].as_str().unwrap().to_owned();
    let pixels = image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([x as u8, y as u8, 90]));
    let mut png = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(pixels)
        .write_to(&mut png, image::ImageFormat::Png)
        .unwrap();
    let form = Form::new().text("caption", "Shell plate, port side").part(
        "file",
        Part::bytes(png.into_inner())
            .file_name("plate.png")
            .mime_str("image/png")
            .unwrap(),
    );
    let resp = app
        .http
        .post(format!("{}/api/v1/jobs/{job}/attachments", app.address))
        .bearer_auth(&manager.token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    app.post(
        "/api/v1/webhooks",
        &manager.token,
        json!({"url": "https://127.0.0.1:9/slipway", "kinds": []}),
    )
    .await
    .expect(201);
}

#[tokio::test]
async fn every_get_the_document_names_answers_what_its_schema_says() {
    let app = TestApp::spawn_with(fast_dispatch(None, "07:00")).await;
    seed(&app);
    let manager = demo_login(&app, "harbour.master@demo.slipway.example").await;
    add_what_the_demo_lacks(&app, &manager).await;
    let doc = app
        .request(reqwest::Method::GET, "/api/v1/openapi.json", None, None)
        .await
        .expect(200)
        .body;
    let mut doc = Document {
        doc,
        validators: HashMap::new(),
    };
    let mut answered: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    let mut mismatches = Vec::new();
    for (who, email) in [
        ("manager", "harbour.master@demo.slipway.example"),
        ("client GR", "client.gr@demo.slipway.example"),
        ("client RU", "client.ru@demo.slipway.example"),
        ("technician", "liu@demo.slipway.example"),
    ] {
        let session = demo_login(&app, email).await;
        let found = crawl(&app, who, &session, &mut doc).await;
        assert!(
            found.visited.len() > 20,
            "{who} read only {:?}",
            found.visited
        );
        for template in found.answered {
            answered.entry(template).or_default().push(who);
        }
        mismatches.extend(found.mismatches);
    }
    assert!(
        mismatches.is_empty(),
        "{} answers the document does not describe:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
    // Every GET was read with success by someone: none is left uncrawled.
    let unread: Vec<&String> = doc.doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(path, item)| path.starts_with("/api/v1/") && item.get("get").is_some())
        .map(|(path, _)| path)
        .filter(|path| !answered.contains_key(*path))
        .collect();
    assert!(unread.is_empty(), "never read with success: {unread:?}");
}
