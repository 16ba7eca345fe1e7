//! What is done to a PDF before it is kept: everything that runs or launches something,
//! or carries another file inside, is taken out (JavaScript, open and additional actions,
//! launch, form submission and import actions, embedded files, XFA forms). A document of
//! the yard's (a class certificate, a drawing, a specification) is text and pictures and
//! loses nothing it shows. CPU work: run off the async workers, a few at a time.

use lopdf::{Dictionary, Document, Object};

/// Keys whose values run code, launch programs or carry files.
const ACTIVE_KEYS: [&[u8]; 9] = [
    b"JS",
    b"JavaScript",
    b"OpenAction",
    b"AA",
    b"Launch",
    b"EmbeddedFiles",
    b"EmbeddedFile",
    b"EF",
    b"XFA",
];

/// Kinds of action (`/S`) that run code, launch a program, send or fetch data, or play
/// media: such an action is emptied.
const ACTIVE_ACTIONS: [&[u8]; 9] = [
    b"JavaScript",
    b"Launch",
    b"SubmitForm",
    b"ImportData",
    b"ResetForm",
    b"GoToE",
    b"Rendition",
    b"RichMediaExecute",
    b"Movie",
];

/// The document without scripts, actions that launch or send, and embedded files;
/// `None` when the bytes are not a PDF that can be read.
pub fn without_scripts(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut document = Document::load_mem(bytes).ok()?;
    for object in document.objects.values_mut() {
        let embedded = matches!(
            object,
            Object::Stream(stream) if matches!(stream.dict.get(b"Type"), Ok(Object::Name(t)) if t == b"EmbeddedFile")
        );
        if embedded {
            *object = Object::Null;
        }
        scrub(object);
    }
    scrub_dictionary(&mut document.trailer);
    // What only the removed entries named (the scripts, the files) goes too.
    document.prune_objects();
    let mut out = Vec::with_capacity(bytes.len());
    document.save_to(&mut out).ok()?;
    Some(out)
}

fn scrub(object: &mut Object) {
    match object {
        Object::Dictionary(dictionary) => scrub_dictionary(dictionary),
        Object::Stream(stream) => scrub_dictionary(&mut stream.dict),
        Object::Array(items) => items.iter_mut().for_each(scrub),
        _ => {}
    }
}

fn scrub_dictionary(dictionary: &mut Dictionary) {
    let active_action = matches!(
        dictionary.get(b"S"),
        Ok(Object::Name(kind)) if ACTIVE_ACTIONS.contains(&kind.as_slice())
    );
    if active_action {
        *dictionary = Dictionary::new();
        return;
    }
    for key in ACTIVE_KEYS {
        dictionary.remove(key);
    }
    for (_, value) in dictionary.iter_mut() {
        scrub(value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::{Stream, dictionary};

    /// A one-page PDF that opens with a script, runs another on a page event, launches a
    /// program from a link, and carries a file.
    fn booby_trapped() -> Vec<u8> {
        let mut doc = Document::with_version("1.7");
        let pages_id = doc.new_object_id();
        let script = doc.add_object(dictionary! {
            "S" => "JavaScript", "JS" => Object::string_literal("app.alert('owned')"),
        });
        let launch = doc.add_object(dictionary! {
            "S" => "Launch", "F" => Object::string_literal("calc.exe"),
        });
        let content = doc.add_object(Stream::new(
            dictionary! {},
            b"BT /F1 12 Tf 72 720 Td (Hull survey) Tj ET".to_vec(),
        ));
        let link = doc.add_object(dictionary! {
            "Type" => "Annot", "Subtype" => "Link", "Rect" => vec![0.into(), 0.into(), 10.into(), 10.into()],
            "A" => launch,
        });
        let page = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id, "Contents" => content,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
            "Annots" => vec![link.into()],
            "AA" => dictionary! { "O" => script },
        });
        doc.objects.insert(
            pages_id,
            Object::Dictionary(dictionary! {
                "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1,
            }),
        );
        let embedded = doc.add_object(Stream::new(
            dictionary! { "Type" => "EmbeddedFile" },
            b"MZ not a drawing".to_vec(),
        ));
        let catalog = doc.add_object(dictionary! {
            "Type" => "Catalog", "Pages" => pages_id, "OpenAction" => script,
            "Names" => dictionary! {
                "JavaScript" => dictionary! { "Names" => vec![Object::string_literal("x"), script.into()] },
                "EmbeddedFiles" => dictionary! { "Names" => vec![
                    Object::string_literal("payload.exe"),
                    Object::Dictionary(dictionary! { "Type" => "Filespec", "EF" => dictionary! { "F" => embedded } }),
                ] },
            },
        });
        doc.trailer.set("Root", catalog);
        let mut out = Vec::new();
        doc.save_to(&mut out).unwrap();
        out
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn scripts_launches_and_embedded_files_are_taken_out() {
        let trapped = booby_trapped();
        for needle in [
            &b"/JavaScript"[..],
            b"/OpenAction",
            b"/Launch",
            b"/EmbeddedFiles",
        ] {
            assert!(contains(&trapped, needle));
        }
        let clean = without_scripts(&trapped).unwrap();
        for needle in [
            &b"/JavaScript"[..],
            b"/JS",
            b"/OpenAction",
            b"/AA",
            b"/Launch",
            b"/EmbeddedFile",
            b"/EF",
            b"app.alert",
            b"calc.exe",
            b"MZ not a drawing",
        ] {
            assert!(
                !contains(&clean, needle),
                "{}",
                String::from_utf8_lossy(needle)
            );
        }
        // The page and what it shows are still there.
        let doc = Document::load_mem(&clean).unwrap();
        assert_eq!(doc.get_pages().len(), 1);
        assert!(contains(&clean, b"Hull survey"));
    }

    #[test]
    fn bytes_that_are_not_a_pdf_are_refused() {
        assert!(without_scripts(b"%PDF-1.7\nnot really").is_none());
    }
}
