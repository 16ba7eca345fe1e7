//! Photos and documents (SPEC section 8) over HTTP: who may attach where (and 404 from the
//! wrong tenant), the type judged from the bytes, location metadata removed, the upload
//! limit without reading the file whole, downloads with their headers and ranges, files
//! kept across a restart, the sweep, and the daily report's files.

use std::io::Cursor;

use crate::common::{Reply, Session, TestApp, free_port, memory_of, serve_process, wait_ready};
use chrono::{Duration, Utc};
use reqwest::{
    StatusCode, header,
    multipart::{Form, Part},
};
use serde_json::json;
use uuid::Uuid;

/// A yard with a job in progress of organisation A: a task with a technician on it, a
/// work log of theirs, a finding; and everyone else.
struct Yard {
    app: TestApp,
    manager: Session,
    client: Session,
    other_client: Session,
    technician: Session,
    idle_technician: Session,
    job: Uuid,
    task: Uuid,
    other_task: Uuid,
    work_log: Uuid,
    finding: Uuid,
}

fn iso(t: chrono::DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

async fn yard() -> Yard {
    yard_on(TestApp::spawn().await).await
}

async fn yard_on(app: TestApp) -> Yard {
    let manager = app.manager().await;
    let org = app.organization(&manager, "Piraeus Bulk", "GR").await;
    let other = app.organization(&manager, "Nile Carriers", "EG").await;
    let client = app.client(org).await;
    let other_client = app.client(other).await;
    let vessel = app.vessel(&manager, org).await;
    let job = app.job(&client, vessel).await;
    app.advance(&manager, job, "in_progress").await;
    let task = app.task(&manager, job, 40.0, None).await;
    let other_task = app.task(&manager, job, 10.0, None).await;
    let (technician, technician_id) = app.technician_profile(&manager, "welder").await;
    let (idle_technician, _) = app.technician_profile(&manager, "fitter").await;
    let now = Utc::now();
    let assignment = app
        .assign(
            &manager,
            task,
            technician_id,
            &iso(now - Duration::days(1)),
            &iso(now + Duration::days(3)),
        )
        .await
        .expect(201)
        .id();
    let work_log = app
        .log_work(
            &technician,
            assignment,
            &iso(now - Duration::hours(4)),
            &iso(now - Duration::hours(2)),
            None,
        )
        .await
        .expect(201)
        .id();
    let finding = app
        .post(
            &format!("/api/v1/jobs/{job}/additional-work"),
            &manager.token,
            json!({"description": "Pitted plate, No. 3 wing tank", "amount": "8600.00", "currency": "USD"}),
        )
        .await
        .expect(201)
        .id();
    Yard {
        app,
        manager,
        client,
        other_client,
        technician,
        idle_technician,
        job,
        task,
        other_task,
        work_log,
        finding,
    }
}

/// A `width` x `height` image in `format`.
fn picture(width: u32, height: u32, format: image::ImageFormat) -> Vec<u8> {
    let pixels = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 251) as u8, (y % 241) as u8, 120])
    });
    let mut out = Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(pixels)
        .write_to(&mut out, format)
        .unwrap();
    out.into_inner()
}

fn jpeg() -> Vec<u8> {
    picture(1200, 900, image::ImageFormat::Jpeg)
}

fn png() -> Vec<u8> {
    picture(64, 48, image::ImageFormat::Png)
}

/// A small, valid PDF of two pages.
fn pdf() -> Vec<u8> {
    pdf_padded(0)
}

/// A valid PDF of two pages whose second page's content is padded to about `padding`
/// bytes (a large drawing, say).
fn pdf_padded(padding: usize) -> Vec<u8> {
    use lopdf::{Document, Object, Stream, dictionary};
    let mut doc = Document::with_version("1.7");
    let pages = doc.new_object_id();
    let mut kids = Vec::new();
    for (n, text) in ["Repair specification", "Shell plating renewal"]
        .iter()
        .enumerate()
    {
        let mut content = format!("BT /F1 12 Tf 72 720 Td ({text}) Tj ET\n").into_bytes();
        if n == 1 {
            content.resize(content.len() + padding, b' ');
        }
        let content = doc.add_object(Stream::new(dictionary! {}, content));
        kids.push(Object::from(doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages, "Contents" => content,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        })));
    }
    doc.objects.insert(
        pages,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => 2 }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

/// A JPEG whose EXIF holds a GPS position and an orientation.
fn jpeg_with_gps(orientation: u16) -> Vec<u8> {
    use exif::{Field, In, Rational, Tag, Value};
    let fields = [
        Field {
            tag: Tag::Orientation,
            ifd_num: In::PRIMARY,
            value: Value::Short(vec![orientation]),
        },
        Field {
            tag: Tag::Make,
            ifd_num: In::PRIMARY,
            value: Value::Ascii(vec![b"PhoneMaker".to_vec()]),
        },
        Field {
            tag: Tag::GPSLatitudeRef,
            ifd_num: In::PRIMARY,
            value: Value::Ascii(vec![b"N".to_vec()]),
        },
        Field {
            tag: Tag::GPSLatitude,
            ifd_num: In::PRIMARY,
            value: Value::Rational(vec![
                Rational { num: 37, denom: 1 },
                Rational { num: 30, denom: 1 },
                Rational { num: 12, denom: 1 },
            ]),
        },
        Field {
            tag: Tag::GPSLongitudeRef,
            ifd_num: In::PRIMARY,
            value: Value::Ascii(vec![b"E".to_vec()]),
        },
        Field {
            tag: Tag::GPSLongitude,
            ifd_num: In::PRIMARY,
            value: Value::Rational(vec![
                Rational { num: 122, denom: 1 },
                Rational { num: 7, denom: 1 },
                Rational { num: 3, denom: 1 },
            ]),
        },
    ];
    let mut writer = exif::experimental::Writer::new();
    for field in &fields {
        writer.push_field(field);
    }
    let mut exif = Cursor::new(Vec::new());
    writer.write(&mut exif, false).unwrap();
    let mut image = img_parts::DynImage::from_bytes(img_parts::Bytes::from(jpeg()))
        .unwrap()
        .unwrap();
    img_parts::ImageEXIF::set_exif(&mut image, Some(img_parts::Bytes::from(exif.into_inner())));
    let mut out = Vec::new();
    image.encoder().write_to(&mut out).unwrap();
    out
}

fn exif_of(bytes: &[u8]) -> Option<exif::Exif> {
    exif::Reader::new()
        .read_from_container(&mut Cursor::new(bytes))
        .ok()
}

async fn upload(
    app: &TestApp,
    who: &Session,
    job: Uuid,
    file: Option<(Vec<u8>, &str, &str)>,
    fields: &[(&str, String)],
) -> Reply {
    let mut form = Form::new();
    for (name, value) in fields {
        form = form.text(name.to_string(), value.clone());
    }
    if let Some((bytes, name, sent_type)) = file {
        form = form.part(
            "file",
            Part::bytes(bytes)
                .file_name(name.to_owned())
                .mime_str(sent_type)
                .unwrap(),
        );
    }
    let reply = app
        .http
        .post(format!("{}/api/v1/jobs/{job}/attachments", app.address))
        .bearer_auth(&who.token)
        .multipart(form)
        .send()
        .await
        .expect("sent");
    TestApp::read(reply).await
}

async fn fetch(
    app: &TestApp,
    who: &Session,
    path: &str,
    headers: &[(&str, &str)],
) -> reqwest::Response {
    let mut req = app
        .http
        .get(format!("{}{path}", app.address))
        .bearer_auth(&who.token);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    req.send().await.expect("sent")
}

fn content_path(id: Uuid) -> String {
    format!("/api/v1/attachments/{id}/content")
}

#[tokio::test]
async fn each_role_attaches_within_its_scope_and_another_tenant_finds_nothing() {
    let y = yard().await;
    let app = &y.app;
    let photo = upload(
        app,
        &y.manager,
        y.job,
        Some((png(), "hull.png", "image/png")),
        &[("caption", "Hull before blasting".into())],
    )
    .await
    .expect(201);
    assert_eq!(photo.body["content_type"], "image/png");
    assert_eq!(photo.body["uploaded_by_role"], "manager");
    assert_eq!(photo.body["caption"], "Hull before blasting");
    assert_eq!(photo.body["job_id"], y.job.to_string());
    let spec = upload(
        app,
        &y.client,
        y.job,
        Some((pdf(), "specification.pdf", "application/pdf")),
        &[("additional_work_id", y.finding.to_string())],
    )
    .await
    .expect(201);
    assert_eq!(spec.body["thumbnail_url"], serde_json::Value::Null);
    assert_eq!(spec.body["additional_work_id"], y.finding.to_string());
    let weld = upload(
        app,
        &y.technician,
        y.job,
        Some((jpeg(), "weld.jpg", "image/jpeg")),
        &[
            ("task_id", y.task.to_string()),
            ("work_log_id", y.work_log.to_string()),
        ],
    )
    .await
    .expect(201);
    assert_eq!(weld.body["task_id"], y.task.to_string());
    assert!(
        weld.body["thumbnail_url"]
            .as_str()
            .unwrap()
            .ends_with("/thumbnail")
    );

    // Outside their scope the job does not exist: a technician not on it, another owner.
    for stranger in [&y.idle_technician, &y.other_client] {
        upload(
            app,
            stranger,
            y.job,
            Some((png(), "x.png", "image/png")),
            &[],
        )
        .await
        .expect_problem(404, "not-found");
        app.get(
            &format!("/api/v1/jobs/{}/attachments", y.job),
            &stranger.token,
        )
        .await
        .expect_problem(404, "not-found");
        for id in [photo.id(), spec.id(), weld.id()] {
            app.get(&format!("/api/v1/attachments/{id}"), &stranger.token)
                .await
                .expect_problem(404, "not-found");
            assert_eq!(
                fetch(app, stranger, &content_path(id), &[]).await.status(),
                StatusCode::NOT_FOUND
            );
            assert_eq!(
                fetch(
                    app,
                    stranger,
                    &format!("/api/v1/attachments/{id}/thumbnail"),
                    &[]
                )
                .await
                .status(),
                StatusCode::NOT_FOUND
            );
            app.request(
                reqwest::Method::DELETE,
                &format!("/api/v1/attachments/{id}"),
                Some(&stranger.token),
                None,
            )
            .await
            .expect_problem(404, "not-found");
        }
    }
    // Those who see the job see all three.
    for who in [&y.manager, &y.client, &y.technician] {
        let list = app
            .get(&format!("/api/v1/jobs/{}/attachments", y.job), &who.token)
            .await
            .expect(200)
            .body;
        assert_eq!(list["items"].as_array().unwrap().len(), 3, "{list}");
        assert_eq!(
            fetch(app, who, &content_path(weld.id()), &[])
                .await
                .status(),
            StatusCode::OK
        );
    }
    let of_task = app
        .get(
            &format!("/api/v1/jobs/{}/attachments?task_id={}", y.job, y.task),
            &y.client.token,
        )
        .await
        .expect(200)
        .body;
    assert_eq!(of_task["items"].as_array().unwrap().len(), 1);
    let of_finding = app
        .get(
            &format!(
                "/api/v1/jobs/{}/attachments?additional_work_id={}",
                y.job, y.finding
            ),
            &y.manager.token,
        )
        .await
        .expect(200)
        .body;
    assert_eq!(of_finding["items"][0]["id"], spec.id().to_string());

    // Deleting: not someone else's file (403), one's own within a day, anything as manager.
    let delete = |who: &Session, id: Uuid| {
        let token = who.token.clone();
        async move {
            app.request(
                reqwest::Method::DELETE,
                &format!("/api/v1/attachments/{id}"),
                Some(&token),
                None,
            )
            .await
        }
    };
    delete(&y.client, photo.id())
        .await
        .expect_problem(403, "forbidden");
    delete(&y.technician, spec.id())
        .await
        .expect_problem(403, "forbidden");
    delete(&y.technician, weld.id()).await.expect(204);
    delete(&y.manager, spec.id()).await.expect(204);
    app.get(
        &format!("/api/v1/attachments/{}", weld.id()),
        &y.manager.token,
    )
    .await
    .expect_problem(404, "not-found");
    assert_eq!(
        fetch(app, &y.manager, &content_path(spec.id()), &[])
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    // A day later the uploader may not delete its own file any more.
    app.execute_sql(
        "UPDATE attachments SET uploaded_at = now() - interval '25 hours' WHERE id = $1",
        photo.id(),
    )
    .await;
    let own = upload(
        app,
        &y.client,
        y.job,
        Some((png(), "old.png", "image/png")),
        &[],
    )
    .await
    .expect(201)
    .id();
    app.execute_sql(
        "UPDATE attachments SET uploaded_at = now() - interval '25 hours' WHERE id = $1",
        own,
    )
    .await;
    delete(&y.client, own)
        .await
        .expect_problem(403, "forbidden");
}

#[tokio::test]
async fn the_type_is_judged_from_the_bytes_never_the_name() {
    let y = yard().await;
    let app = &y.app;
    let renamed = upload(
        app,
        &y.manager,
        y.job,
        Some((png(), "specification.pdf", "application/pdf")),
        &[],
    )
    .await
    .expect(201);
    assert_eq!(renamed.body["content_type"], "image/png");
    assert_eq!(renamed.body["file_name"], "specification.pdf");
    let reply = fetch(app, &y.manager, &content_path(renamed.id()), &[]).await;
    assert_eq!(reply.headers()[header::CONTENT_TYPE], "image/png");

    let mut executable = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xFF\xFF\x00\x00".to_vec();
    executable.extend_from_slice(&[0u8; 512]);
    let mut zip = b"PK\x03\x04\x14\x00\x00\x00\x08\x00".to_vec();
    zip.extend_from_slice(&[7u8; 300]);
    let mut fake_jpeg = b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00".to_vec();
    fake_jpeg.extend_from_slice(&[0u8; 300]);
    for (bytes, name) in [
        (executable, "photo.jpg"),
        (zip, "photos.jpg"),
        (b"just some text about the hull".to_vec(), "notes.pdf"),
        (Vec::new(), "empty.jpg"),
        (fake_jpeg, "broken.jpg"),
    ] {
        let refused = upload(
            app,
            &y.manager,
            y.job,
            Some((bytes, name, "image/jpeg")),
            &[],
        )
        .await
        .expect_problem(422, "validation-failed");
        assert_eq!(
            refused.body["errors"][0]["field"], "file",
            "{name}: {}",
            refused.body
        );
    }
    upload(
        app,
        &y.manager,
        y.job,
        None,
        &[("caption", "no file".into())],
    )
    .await
    .expect_problem(422, "validation-failed");
    let list = app
        .get(
            &format!("/api/v1/jobs/{}/attachments", y.job),
            &y.manager.token,
        )
        .await
        .expect(200)
        .body;
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        1,
        "nothing refused was kept"
    );
    // Not a form at all, and an unknown field.
    app.post(
        &format!("/api/v1/jobs/{}/attachments", y.job),
        &y.manager.token,
        json!({"file": "x"}),
    )
    .await
    .expect_problem(400, "malformed-request");
    upload(
        app,
        &y.manager,
        y.job,
        Some((png(), "a.png", "image/png")),
        &[("uploaded_by", "someone".into())],
    )
    .await
    .expect_problem(400, "malformed-request");
}

#[tokio::test]
async fn a_photo_comes_back_without_its_position_but_upright() {
    let y = yard().await;
    let tagged = jpeg_with_gps(6);
    assert!(
        exif_of(&tagged)
            .unwrap()
            .get_field(exif::Tag::GPSLatitude, exif::In::PRIMARY)
            .is_some()
    );
    let stored = upload(
        &y.app,
        &y.technician,
        y.job,
        Some((tagged, "pitted-plate.jpg", "image/jpeg")),
        &[],
    )
    .await
    .expect(201);
    let bytes = fetch(&y.app, &y.technician, &content_path(stored.id()), &[])
        .await
        .bytes()
        .await
        .unwrap();
    assert_eq!(stored.body["size_bytes"], bytes.len());
    let exif = exif_of(&bytes).expect("the orientation is kept");
    for tag in [
        exif::Tag::GPSLatitude,
        exif::Tag::GPSLongitude,
        exif::Tag::GPSLatitudeRef,
        exif::Tag::Make,
    ] {
        assert!(
            exif.get_field(tag, exif::In::PRIMARY).is_none(),
            "{tag} still there"
        );
    }
    assert_eq!(
        exif.get_field(exif::Tag::Orientation, exif::In::PRIMARY)
            .unwrap()
            .value
            .get_uint(0),
        Some(6)
    );
    assert!(image::load_from_memory(&bytes).is_ok());
    // The hash names the stored bytes.
    use sha2::Digest;
    let sha: String = sha2::Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(stored.body["sha256"], sha);
    // The thumbnail: 320 px on its longest side, upright (1200 x 900 turned a quarter).
    let thumb = fetch(
        &y.app,
        &y.client,
        &format!("/api/v1/attachments/{}/thumbnail", stored.id()),
        &[],
    )
    .await;
    assert_eq!(thumb.headers()[header::CONTENT_TYPE], "image/jpeg");
    assert_eq!(thumb.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    let thumb = image::load_from_memory(&thumb.bytes().await.unwrap()).unwrap();
    assert_eq!((thumb.width(), thumb.height()), (240, 320));
}

#[tokio::test]
async fn a_file_over_the_limit_is_refused_without_being_read_whole() {
    let y = yard().await;
    let app = &y.app;
    const MIB: usize = 1 << 20;
    // Declared too large: refused before a byte of it is read.
    let declared = app
        .http
        .post(format!("{}/api/v1/jobs/{}/attachments", app.address, y.job))
        .bearer_auth(&y.manager.token)
        .header(header::CONTENT_TYPE, "multipart/form-data; boundary=x")
        .header(header::CONTENT_LENGTH, (26 * MIB).to_string())
        .body(vec![0u8; 1024])
        .send()
        .await;
    TestApp::read(declared.expect("answered"))
        .await
        .expect_problem(413, "payload-too-large");
    // Sent in chunks without a length to the service as its own process (so that no other
    // test shares its memory): cut off when it passes 25 MiB, never held whole, and not
    // read on: the connection closes after the answer, so the sender stops too.
    let port = free_port();
    let mut server = serve_process(app, port, &[]);
    let base = format!("http://127.0.0.1:{port}");
    wait_ready(port).await;
    // Warm up: one small upload, so the baseline holds what any upload needs.
    let warm = Part::bytes(png()).file_name("warm.png");
    app.http
        .post(format!("{base}/api/v1/jobs/{}/attachments", y.job))
        .bearer_auth(&y.manager.token)
        .multipart(Form::new().part("file", warm))
        .send()
        .await
        .unwrap();
    app.execute_sql("DELETE FROM attachments WHERE job_id = $1", y.job)
        .await;
    let before = memory_of(server.id(), "VmRSS");
    let chunk = vec![0x25u8; MIB];
    let pulled = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = pulled.clone();
    let chunks = std::iter::once(b"%PDF-1.7\n".to_vec())
        .chain(std::iter::repeat_n(chunk, 300))
        .inspect(move |c| {
            counted.fetch_add(c.len(), std::sync::atomic::Ordering::Relaxed);
        });
    let stream = futures_util::stream::iter(chunks.map(Ok::<_, std::io::Error>));
    let part = Part::stream(reqwest::Body::wrap_stream(stream))
        .file_name("huge.pdf")
        .mime_str("application/pdf")
        .unwrap();
    let reply = app
        .http
        .post(format!("{base}/api/v1/jobs/{}/attachments", y.job))
        .bearer_auth(&y.manager.token)
        .multipart(Form::new().part("file", part))
        .send()
        .await;
    // The answer is 413 (or, should the close reach the sender before the answer, a
    // connection closed under it); either way it stopped near the limit, not at 300 MiB.
    if let Ok(reply) = reply {
        TestApp::read(reply)
            .await
            .expect_problem(413, "payload-too-large");
    }
    let sent = pulled.load(std::sync::atomic::Ordering::Relaxed);
    assert!(
        sent < 80 * MIB,
        "the sender was read on to {} MiB after the refusal",
        sent / MIB
    );
    // The peak of the process's resident memory, against where it stood before.
    let grown = memory_of(server.id(), "VmHWM").saturating_sub(before);
    let _ = server.kill();
    let _ = server.wait();
    eprintln!(
        "the server's peak resident memory grew by {} KiB while 26 MiB were refused",
        grown >> 10
    );
    assert!(
        grown < 8 * MIB as u64,
        "the server's memory grew by {} MiB",
        grown >> 20
    );
    let list = app
        .get(
            &format!("/api/v1/jobs/{}/attachments", y.job),
            &y.manager.token,
        )
        .await
        .expect(200)
        .body;
    assert_eq!(list["items"], json!([]));
    // Just under the limit is fine.
    let big = pdf_padded(24 * MIB);
    upload(
        app,
        &y.manager,
        y.job,
        Some((big, "drawings.pdf", "application/pdf")),
        &[],
    )
    .await
    .expect(201);
}

#[tokio::test]
async fn downloads_carry_their_type_a_safe_name_an_etag_and_ranges() {
    let y = yard().await;
    let app = &y.app;
    let name = "Ремонт №3 \"final\".pdf";
    let stored = upload(
        app,
        &y.client,
        y.job,
        Some((pdf(), name, "application/octet-stream")),
        &[],
    )
    .await
    .expect(201);
    assert_eq!(stored.body["file_name"], "Ремонт №3 final.pdf");
    let whole = fetch(app, &y.manager, &content_path(stored.id()), &[]).await;
    assert_eq!(whole.status(), StatusCode::OK);
    let headers = whole.headers().clone();
    assert_eq!(headers[header::CONTENT_TYPE], "application/pdf");
    assert_eq!(headers[header::CONTENT_SECURITY_POLICY], "sandbox");
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(headers[header::ACCEPT_RANGES], "bytes");
    let disposition = headers[header::CONTENT_DISPOSITION].to_str().unwrap();
    // A PDF is downloaded, never shown in the app's origin.
    assert!(
        disposition.starts_with("attachment; filename=\""),
        "{disposition}"
    );
    assert!(
        disposition.contains(
            "filename*=UTF-8''%D0%A0%D0%B5%D0%BC%D0%BE%D0%BD%D1%82%20%E2%84%963%20final.pdf"
        ),
        "{disposition}"
    );
    let etag = headers[header::ETAG].to_str().unwrap().to_owned();
    assert_eq!(
        etag,
        format!("\"{}\"", stored.body["sha256"].as_str().unwrap())
    );
    let body = whole.bytes().await.unwrap();
    // The document as kept: written anew without any script, the same pages.
    assert_eq!(
        body.len() as u64,
        stored.body["size_bytes"].as_u64().unwrap()
    );
    assert_eq!(
        lopdf::Document::load_mem(&body).unwrap().get_pages().len(),
        2
    );

    let again = fetch(
        app,
        &y.manager,
        &content_path(stored.id()),
        &[("if-none-match", &etag)],
    )
    .await;
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    let part = fetch(
        app,
        &y.manager,
        &content_path(stored.id()),
        &[("range", "bytes=0-7")],
    )
    .await;
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        part.headers()[header::CONTENT_RANGE],
        format!("bytes 0-7/{}", body.len())
    );
    assert_eq!(part.bytes().await.unwrap().as_ref(), b"%PDF-1.7");
    let tail = fetch(
        app,
        &y.manager,
        &content_path(stored.id()),
        &[("range", "bytes=-6")],
    )
    .await;
    assert_eq!(
        tail.bytes().await.unwrap().as_ref(),
        &body[body.len() - 6..]
    );
    let outside = fetch(
        app,
        &y.manager,
        &content_path(stored.id()),
        &[("range", "bytes=999999-")],
    )
    .await;
    assert_eq!(outside.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(
        outside.headers()[header::CONTENT_RANGE],
        format!("bytes */{}", body.len())
    );
    // A document has no thumbnail.
    assert_eq!(
        fetch(
            app,
            &y.manager,
            &format!("/api/v1/attachments/{}/thumbnail", stored.id()),
            &[]
        )
        .await
        .status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn files_outlive_a_restart_a_deleted_row_is_gone_and_the_sweep_keeps_what_is_named() {
    let y = yard().await;
    let first = upload(
        &y.app,
        &y.manager,
        y.job,
        Some((png(), "a.png", "image/png")),
        &[],
    )
    .await
    .expect(201);
    let twin = upload(
        &y.app,
        &y.client,
        y.job,
        Some((png(), "same-bytes.png", "image/png")),
        &[],
    )
    .await
    .expect(201);
    assert_eq!(
        first.body["sha256"], twin.body["sha256"],
        "the same bytes, one file"
    );
    let (manager, client) = (y.manager.clone(), y.client.clone());
    let app = y.app.restarted().await;
    let kept = fetch(&app, &manager, &content_path(first.id()), &[]).await;
    assert_eq!(kept.status(), StatusCode::OK);
    assert_eq!(kept.bytes().await.unwrap().as_ref(), png().as_slice());

    // Plain SQL removes a row: its content is gone at once; the file stays while the
    // other row names it, and goes with the sweep once no row does.
    app.execute_sql("DELETE FROM attachments WHERE id = $1", first.id())
        .await;
    assert_eq!(
        fetch(&app, &manager, &content_path(first.id()), &[])
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    let storage = slipway::attachments::storage::Storage::from_url(&format!(
        "file://{}",
        app.storage_path().display()
    ))
    .unwrap();
    let sha = first.body["sha256"].as_str().unwrap().to_owned();
    let on_disk = app.storage_path().join("files").join(&sha);
    assert!(on_disk.exists());
    storage
        .sweep(&app.db, std::time::Duration::ZERO)
        .await
        .unwrap();
    assert!(on_disk.exists(), "still named by the twin");
    assert_eq!(
        fetch(&app, &client, &content_path(twin.id()), &[])
            .await
            .status(),
        StatusCode::OK
    );
    app.execute_sql("DELETE FROM attachments WHERE id = $1", twin.id())
        .await;
    // Within the grace period the file stays (an upload may be about to commit).
    assert_eq!(
        storage
            .sweep(&app.db, std::time::Duration::from_secs(3600))
            .await
            .unwrap(),
        0
    );
    assert!(on_disk.exists());
    assert_eq!(
        storage
            .sweep(&app.db, std::time::Duration::ZERO)
            .await
            .unwrap(),
        2,
        "the file and its thumbnail"
    );
    assert!(!on_disk.exists());
}

#[tokio::test]
async fn technicians_attach_to_their_own_tasks_and_work_logs_and_clients_not_to_work_logs() {
    let y = yard().await;
    let app = &y.app;
    let file = || Some((png(), "p.png", "image/png"));
    let refused = upload(
        app,
        &y.technician,
        y.job,
        file(),
        &[("task_id", y.other_task.to_string())],
    )
    .await
    .expect_problem(422, "validation-failed");
    assert_eq!(refused.body["errors"][0]["field"], "task_id");
    let refused = upload(
        app,
        &y.technician,
        y.job,
        file(),
        &[("additional_work_id", y.finding.to_string())],
    )
    .await
    .expect_problem(422, "validation-failed");
    assert_eq!(refused.body["errors"][0]["field"], "additional_work_id");
    let refused = upload(
        app,
        &y.client,
        y.job,
        file(),
        &[("work_log_id", y.work_log.to_string())],
    )
    .await
    .expect_problem(422, "validation-failed");
    assert_eq!(refused.body["errors"][0]["field"], "work_log_id");
    upload(
        app,
        &y.technician,
        y.job,
        file(),
        &[("work_log_id", y.work_log.to_string())],
    )
    .await
    .expect(201);
    // A task, finding or work log of another job: the database refuses the pairing.
    let vessel = app
        .vessel(
            &y.manager,
            Uuid::parse_str(
                app.get("/api/v1/me", &y.client.token).await.body["organization_id"]
                    .as_str()
                    .unwrap(),
            )
            .unwrap(),
        )
        .await;
    let other_job = app.job(&y.manager, vessel).await;
    for (field, id) in [
        ("task_id", y.task),
        ("additional_work_id", y.finding),
        ("work_log_id", y.work_log),
    ] {
        let refused = upload(
            app,
            &y.manager,
            other_job,
            file(),
            &[(field, id.to_string())],
        )
        .await
        .expect_problem(422, "validation-failed");
        assert_eq!(
            refused.body["errors"][0]["field"], field,
            "{}",
            refused.body
        );
    }
    let caption = "x".repeat(501);
    upload(app, &y.manager, y.job, file(), &[("caption", caption)])
        .await
        .expect_problem(422, "validation-failed");
}

#[tokio::test]
async fn the_daily_report_lists_the_days_files_and_a_clients_kept_report_follows_them() {
    let y = yard().await;
    let app = &y.app;
    let report_path = format!("/api/v1/jobs/{}/daily-report", y.job);
    // The client reads (and so keeps) today's report before the photo arrives.
    let before = app
        .get(&report_path, &y.client.token)
        .await
        .expect(200)
        .body;
    assert_eq!(before["attachments"], json!([]));
    let photo = upload(
        app,
        &y.technician,
        y.job,
        Some((jpeg(), "strake.jpg", "image/jpeg")),
        &[
            ("task_id", y.task.to_string()),
            ("caption", "Strake 3 after welding".into()),
        ],
    )
    .await
    .expect(201);
    let after = app
        .get(&report_path, &y.client.token)
        .await
        .expect(200)
        .body;
    assert_eq!(
        after["attachments"],
        json!([{
            "id": photo.id(),
            "caption": "Strake 3 after welding",
            "thumbnail_url": format!("/api/v1/attachments/{}/thumbnail", photo.id()),
            "content_url": format!("/api/v1/attachments/{}/content", photo.id()),
            "task_id": y.task,
        }])
    );
    // Changed past the API, the kept report follows too.
    app.execute_sql(
        "UPDATE attachments SET caption = 'Strake 3, frames 112-118' WHERE id = $1",
        photo.id(),
    )
    .await;
    let renamed = app
        .get(&report_path, &y.client.token)
        .await
        .expect(200)
        .body;
    assert_eq!(
        renamed["attachments"][0]["caption"],
        "Strake 3, frames 112-118"
    );
    app.execute_sql("DELETE FROM attachments WHERE id = $1", photo.id())
        .await;
    assert_eq!(
        app.get(&report_path, &y.client.token)
            .await
            .expect(200)
            .body["attachments"],
        json!([])
    );
    // Another day's report does not show it.
    let yesterday = (Utc::now() - Duration::days(2)).date_naive();
    let other_day = app
        .get(&format!("{report_path}?date={yesterday}"), &y.manager.token)
        .await
        .expect(200)
        .body;
    assert_eq!(other_day["attachments"], json!([]));
}

/// CRC-32 (as PNG chunks carry it).
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for b in bytes {
        crc ^= u32::from(*b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A small image whose header claims `width` x `height` pixels: a decompression bomb.
fn bomb(format: image::ImageFormat, width: u32, height: u32) -> Vec<u8> {
    match format {
        image::ImageFormat::Jpeg => {
            let mut bytes = picture(16, 16, format);
            let sof = bytes.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
            bytes[sof + 5..sof + 7].copy_from_slice(&(height as u16).to_be_bytes());
            bytes[sof + 7..sof + 9].copy_from_slice(&(width as u16).to_be_bytes());
            bytes
        }
        image::ImageFormat::Png => {
            let mut bytes = picture(16, 16, format);
            // IHDR: length (4), type (4), width (4), height (4), ..., CRC over type and data.
            bytes[16..20].copy_from_slice(&width.to_be_bytes());
            bytes[20..24].copy_from_slice(&height.to_be_bytes());
            let crc = crc32(&bytes[12..29]);
            bytes[29..33].copy_from_slice(&crc.to_be_bytes());
            bytes
        }
        image::ImageFormat::WebP => {
            let mut bytes = picture(1, 1, format);
            let chunk = bytes.windows(4).position(|w| w == b"VP8L").unwrap();
            // After the chunk header and the 0x2f signature: 14 bits width - 1, 14 bits
            // height - 1, then alpha and version (kept).
            let at = chunk + 9;
            let old = u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap());
            let packed = (width - 1) | ((height - 1) << 14) | (old & 0xF000_0000);
            bytes[at..at + 4].copy_from_slice(&packed.to_le_bytes());
            bytes
        }
        _ => unreachable!(),
    }
}

#[tokio::test]
async fn image_bombs_are_refused_from_their_header_before_anything_is_decoded() {
    let y = yard().await;
    for (format, width, height, name) in [
        (image::ImageFormat::Jpeg, 65_000, 65_000, "bomb.jpg"),
        (image::ImageFormat::WebP, 16_383, 16_383, "bomb.webp"),
        (image::ImageFormat::Png, 50_000, 50_000, "bomb.png"),
    ] {
        let bytes = bomb(format, width, height);
        assert!(bytes.len() < 4096, "{name}: {} bytes", bytes.len());
        let started = std::time::Instant::now();
        let refused = upload(
            &y.app,
            &y.client,
            y.job,
            Some((bytes, name, "application/octet-stream")),
            &[],
        )
        .await
        .expect_problem(422, "validation-failed");
        assert!(
            started.elapsed() < std::time::Duration::from_secs(2),
            "{name} took {:?}",
            started.elapsed()
        );
        assert_eq!(refused.body["errors"][0]["field"], "file");
        let message = refused.body["errors"][0]["message"].as_str().unwrap();
        assert!(
            message.contains(&format!("{width} x {height} pixels"))
                && message.contains("100 megapixels"),
            "{name}: {message}"
        );
    }
    let none = y
        .app
        .get(
            &format!("/api/v1/jobs/{}/attachments", y.job),
            &y.manager.token,
        )
        .await
        .expect(200);
    assert_eq!(none.body["items"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn ten_bombs_at_once_leave_the_service_under_300_mb() {
    let y = yard().await;
    let port = free_port();
    let mut server = serve_process(&y.app, port, &[]);
    wait_ready(port).await;
    let base = format!("http://127.0.0.1:{port}");
    let sends = (0..10).map(|n| {
        let format = [
            image::ImageFormat::Jpeg,
            image::ImageFormat::WebP,
            image::ImageFormat::Png,
        ][n % 3];
        let (width, height) = [(65_000, 65_000), (16_383, 16_383), (50_000, 50_000)][n % 3];
        let part = Part::bytes(bomb(format, width, height)).file_name(format!("bomb-{n}"));
        y.app
            .http
            .post(format!("{base}/api/v1/jobs/{}/attachments", y.job))
            .bearer_auth(&y.client.token)
            .multipart(Form::new().part("file", part))
            .send()
    });
    for reply in futures_util::future::join_all(sends).await {
        assert_eq!(reply.unwrap().status(), 422);
    }
    let peak = memory_of(server.id(), "VmHWM");
    let _ = server.kill();
    let _ = server.wait();
    eprintln!(
        "peak resident memory with ten bombs at once: {} MiB",
        peak >> 20
    );
    assert!(peak < 300 << 20, "the service held {} MiB", peak >> 20);
}

#[tokio::test]
async fn fifty_phone_photos_at_once_are_decoded_a_few_at_a_time() {
    let y = yard().await;
    let port = free_port();
    let mut server = serve_process(&y.app, port, &[]);
    wait_ready(port).await;
    let base = format!("http://127.0.0.1:{port}");
    // 12 megapixels, as a phone takes them; varied enough to be a few MiB.
    let pixels = image::RgbImage::from_fn(4000, 3000, |x, y| {
        let n = x
            .wrapping_mul(2_654_435_761)
            .wrapping_add(y.wrapping_mul(40_503));
        image::Rgb([(n >> 8) as u8, (n >> 16) as u8, (x ^ y) as u8])
    });
    let mut photo = Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(pixels)
        .write_to(&mut photo, image::ImageFormat::Jpeg)
        .unwrap();
    let photo = photo.into_inner();
    let before = memory_of(server.id(), "VmRSS");
    let sends = (0..50).map(|n| {
        let part = Part::bytes(photo.clone()).file_name(format!("frame-{n}.jpg"));
        y.app
            .http
            .post(format!("{base}/api/v1/jobs/{}/attachments", y.job))
            .bearer_auth(&y.technician.token)
            .multipart(Form::new().part("file", part))
            .send()
    });
    let mut by_status = std::collections::BTreeMap::<u16, usize>::new();
    for reply in futures_util::future::join_all(sends).await {
        *by_status
            .entry(reply.unwrap().status().as_u16())
            .or_default() += 1;
    }
    let peak = memory_of(server.id(), "VmHWM");
    let _ = server.kill();
    let _ = server.wait();
    eprintln!(
        "50 photos of 12 MP ({} KiB each) at once: answers {by_status:?}, resident memory {} MiB before, peak {} MiB",
        photo.len() >> 10,
        before >> 20,
        peak >> 20
    );
    // Stored, or told to come back (503) when its turn did not come within the deadline.
    assert!(
        by_status.keys().all(|s| *s == 201 || *s == 503),
        "{by_status:?}"
    );
    assert!(
        by_status.get(&201).copied().unwrap_or(0) >= 2,
        "{by_status:?}"
    );
    assert!(peak < 500 << 20, "the service held {} MiB", peak >> 20);
}

/// Bytes of `text` somewhere in `bytes`.
fn carries(bytes: &[u8], text: &str) -> bool {
    bytes.windows(text.len()).any(|w| w == text.as_bytes())
}

/// A JPEG with an extra segment `marker` holding `contents`, after its header.
fn jpeg_with_segment(marker: u8, contents: &[u8]) -> Vec<u8> {
    let mut image = img_parts::jpeg::Jpeg::from_bytes(img_parts::Bytes::from(jpeg())).unwrap();
    image.segments_mut().insert(
        1,
        img_parts::jpeg::JpegSegment::new_with_contents(
            marker,
            img_parts::Bytes::copy_from_slice(contents),
        ),
    );
    let mut out = Vec::new();
    image.encoder().write_to(&mut out).unwrap();
    out
}

/// A PNG with an extra chunk `kind` holding `contents`, before its image data.
fn png_with_chunk(kind: &[u8; 4], contents: &[u8]) -> Vec<u8> {
    let mut image = img_parts::png::Png::from_bytes(img_parts::Bytes::from(png())).unwrap();
    image.chunks_mut().insert(
        1,
        img_parts::png::PngChunk::new(*kind, img_parts::Bytes::copy_from_slice(contents)),
    );
    let mut out = Vec::new();
    image.encoder().write_to(&mut out).unwrap();
    out
}

/// A WebP with an extra chunk `id` holding `contents`.
fn webp_with_chunk(id: &[u8; 4], contents: &[u8]) -> Vec<u8> {
    let bytes = picture(64, 48, image::ImageFormat::WebP);
    let mut image = img_parts::webp::WebP::from_bytes(img_parts::Bytes::from(bytes)).unwrap();
    image.chunks_mut().push(img_parts::riff::RiffChunk::new(
        *id,
        img_parts::riff::RiffContent::Data(img_parts::Bytes::copy_from_slice(contents)),
    ));
    let mut out = Vec::new();
    image.encoder().write_to(&mut out).unwrap();
    out
}

#[tokio::test]
async fn every_carrier_of_a_position_is_stripped_from_jpeg_png_and_webp() {
    let y = yard().await;
    // Piraeus, planted where each kind of metadata lives.
    const WHERE: &str = "37.9421N 23.6470E Piraeus Perama";
    let xmp = format!(
        "http://ns.adobe.com/xap/1.0/\0<x:xmpmeta><rdf:Description exif:GPSLatitude=\"{WHERE}\"/></x:xmpmeta>"
    );
    let extended = format!(
        "http://ns.adobe.com/xmp/extension/\0{:032}{:08}<rdf:Description exif:GPSLongitude=\"{WHERE}\"/>",
        0, 0
    );
    let iptc = format!("Photoshop 3.0\08BIM\x04\x04\0\0\0\0\0\x30\x1c\x02\x5a\0\x20{WHERE}");
    let mut exif_png = Vec::from(&b"MM\0\x2a\0\0\0\x08"[..]);
    exif_png.extend_from_slice(WHERE.as_bytes());
    let carriers: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "XMP in JPEG",
            jpeg_with_segment(0xE1, xmp.as_bytes()),
            "x.jpg",
        ),
        (
            "Extended XMP in JPEG",
            jpeg_with_segment(0xE1, extended.as_bytes()),
            "x.jpg",
        ),
        (
            "IPTC in JPEG (APP13)",
            jpeg_with_segment(0xED, iptc.as_bytes()),
            "x.jpg",
        ),
        (
            "a JPEG comment",
            jpeg_with_segment(0xFE, WHERE.as_bytes()),
            "x.jpg",
        ),
        (
            "APP12 in JPEG",
            jpeg_with_segment(0xEC, WHERE.as_bytes()),
            "x.jpg",
        ),
        (
            "FlashPix in JPEG (APP2)",
            jpeg_with_segment(0xE2, format!("FPXR\0{WHERE}").as_bytes()),
            "x.jpg",
        ),
        (
            "tEXt in PNG",
            png_with_chunk(b"tEXt", format!("Location\0{WHERE}").as_bytes()),
            "x.png",
        ),
        (
            "iTXt in PNG",
            png_with_chunk(
                b"iTXt",
                format!("XML:com.adobe.xmp\0\0\0\0\0{WHERE}").as_bytes(),
            ),
            "x.png",
        ),
        ("eXIf in PNG", png_with_chunk(b"eXIf", &exif_png), "x.png"),
        (
            "XMP in WebP",
            webp_with_chunk(b"XMP ", xmp.as_bytes()),
            "x.webp",
        ),
        (
            "EXIF in WebP",
            webp_with_chunk(b"EXIF", &exif_png),
            "x.webp",
        ),
    ];
    for (carrier, bytes, name) in carriers {
        assert!(carries(&bytes, WHERE), "{carrier}: not planted");
        let stored = upload(
            &y.app,
            &y.client,
            y.job,
            Some((bytes, name, "application/octet-stream")),
            &[],
        )
        .await
        .expect(201);
        let kept = fetch(&y.app, &y.client, &content_path(stored.id()), &[])
            .await
            .bytes()
            .await
            .unwrap();
        assert!(!carries(&kept, WHERE), "{carrier}: the position survived");
        assert!(!carries(&kept, "Piraeus"), "{carrier}: the place survived");
        assert!(
            image::load_from_memory(&kept).is_ok(),
            "{carrier}: no longer an image"
        );
    }
}

/// A PDF that opens with a script, runs another on a page event and launches a program
/// from a link.
fn booby_trapped_pdf() -> Vec<u8> {
    use lopdf::{Document, Object, Stream, dictionary};
    let mut doc = Document::with_version("1.7");
    let pages = doc.new_object_id();
    let script = doc.add_object(dictionary! {
        "S" => "JavaScript", "JS" => Object::string_literal("app.alert(document.cookie)"),
    });
    let launch =
        doc.add_object(dictionary! { "S" => "Launch", "F" => Object::string_literal("cmd.exe") });
    let content = doc.add_object(Stream::new(
        dictionary! {},
        b"BT (Class certificate) Tj ET".to_vec(),
    ));
    let link =
        doc.add_object(dictionary! { "Type" => "Annot", "Subtype" => "Link", "A" => launch });
    let page = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages, "Contents" => content, "Annots" => vec![link.into()],
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        "AA" => dictionary! { "O" => script },
    });
    doc.objects.insert(
        pages,
        Object::Dictionary(
            dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 },
        ),
    );
    let catalog = doc.add_object(dictionary! {
        "Type" => "Catalog", "Pages" => pages, "OpenAction" => script,
        "Names" => dictionary! { "JavaScript" => dictionary! { "Names" => vec![Object::string_literal("a"), script.into()] } },
    });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

#[tokio::test]
async fn a_pdf_is_kept_without_its_scripts_and_downloaded_not_shown() {
    let y = yard().await;
    let trapped = booby_trapped_pdf();
    assert!(carries(&trapped, "/OpenAction") && carries(&trapped, "app.alert"));
    let stored = upload(
        &y.app,
        &y.client,
        y.job,
        Some((trapped, "certificate.pdf", "application/pdf")),
        &[],
    )
    .await
    .expect(201);
    let reply = fetch(&y.app, &y.client, &content_path(stored.id()), &[]).await;
    assert!(
        reply.headers()[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("attachment;"),
        "{:?}",
        reply.headers()[header::CONTENT_DISPOSITION]
    );
    assert_eq!(reply.headers()[header::CONTENT_SECURITY_POLICY], "sandbox");
    let kept = reply.bytes().await.unwrap();
    for active in [
        "/JavaScript",
        "/JS",
        "/OpenAction",
        "/AA",
        "/Launch",
        "app.alert",
        "cmd.exe",
    ] {
        assert!(
            !carries(&kept, active),
            "{active} is still in the stored PDF"
        );
    }
    let doc = lopdf::Document::load_mem(&kept).expect("still a PDF");
    assert_eq!(doc.get_pages().len(), 1);
    assert!(carries(&kept, "Class certificate"));
    // A photo is still shown inline.
    let photo = upload(
        &y.app,
        &y.client,
        y.job,
        Some((jpeg(), "plate.jpg", "image/jpeg")),
        &[],
    )
    .await
    .expect(201);
    let shown = fetch(&y.app, &y.client, &content_path(photo.id()), &[]).await;
    assert!(
        shown.headers()[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("inline;")
    );
}

#[tokio::test]
async fn a_file_name_loses_its_bidirectional_controls() {
    let y = yard().await;
    // U+202E shows "photo-gpj.exe" as "photo-exe.jpg".
    let stored = upload(
        &y.app,
        &y.client,
        y.job,
        Some((png(), "photo-\u{202E}gpj.exe", "image/png")),
        &[],
    )
    .await
    .expect(201);
    assert_eq!(stored.body["file_name"], "photo-gpj.exe");
}
