//! What is done to an image before it is kept: its size checked from its header before
//! anything is decoded (a few bytes can claim billions of pixels), its metadata removed
//! (EXIF, XMP and Extended XMP, IPTC, comments, text chunks: they carry the position
//! where a photo was taken, the camera's serial and more) except the orientation, so a
//! phone photo stays upright; and a thumbnail made, decoding within allocation limits.
//! CPU work: run off the async workers, a few at a time (`handlers::UploadLimit`).

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageReader, Limits, imageops::FilterType};
use img_parts::{Bytes, DynImage, ImageEXIF, jpeg::markers};

/// Longest side of a thumbnail, in pixels.
pub const THUMBNAIL_PX: u32 = 320;

/// Most pixels an image may have (`SLIPWAY_MAX_IMAGE_PIXELS`): 100 megapixels, more than
/// any phone or camera of the yard takes.
pub const DEFAULT_MAX_PIXELS: u64 = 100_000_000;

/// An image's width and height as its header states them, read without decoding it.
/// `None` when the header cannot be read.
pub fn dimensions(bytes: &[u8]) -> Option<(u32, u32)> {
    ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .ok()?
        .into_dimensions()
        .ok()
}

/// JPEG segments that may stay: the frame and scan markers (not APPn or COM), the JFIF
/// header (APP0), a colour profile (APP2 `ICC_PROFILE`) and Adobe's colour transform
/// (APP14), which decoding needs. Every other APPn (EXIF and XMP in APP1, Extended XMP,
/// FlashPix and multi-picture data in APP2, IPTC in APP13, ...) and comments go.
fn keeps_jpeg_segment(marker: u8, contents: &[u8]) -> bool {
    match marker {
        markers::APP0 | markers::APP14 => true,
        markers::APP2 => contents.starts_with(b"ICC_PROFILE\0"),
        m if (markers::APP0..=markers::APP15).contains(&m) => false,
        markers::COM => false,
        _ => true,
    }
}

/// PNG chunks that may stay: the image and how to show its colours. Text (`tEXt`,
/// `zTXt`, `iTXt`, where XMP lives), `eXIf`, times and anything unknown go.
const PNG_KEPT: [&[u8; 4]; 14] = [
    b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"sBIT",
    b"pHYs", b"acTL", b"fcTL", b"fdAT",
];

/// WebP chunks that may stay: the image, its alpha, animation and colour profile. `EXIF`,
/// `XMP ` and anything unknown go.
const WEBP_KEPT: [&[u8; 4]; 7] = [
    b"VP8 ", b"VP8L", b"VP8X", b"ALPH", b"ANIM", b"ANMF", b"ICCP",
];

/// The image without its metadata, keeping only its EXIF orientation. `None` when the
/// bytes are not a readable image of their kind.
pub fn without_metadata(bytes: &[u8]) -> Option<Vec<u8>> {
    let orientation = exif_orientation(bytes);
    let mut image = DynImage::from_bytes(Bytes::copy_from_slice(bytes)).ok()??;
    match &mut image {
        DynImage::Jpeg(jpeg) => jpeg
            .segments_mut()
            .retain(|s| keeps_jpeg_segment(s.marker(), s.contents())),
        DynImage::Png(png) => png.chunks_mut().retain(|c| PNG_KEPT.contains(&&c.kind())),
        DynImage::WebP(webp) => webp.chunks_mut().retain(|c| WEBP_KEPT.contains(&&c.id())),
    }
    let kept_exif = orientation
        .filter(|o| *o != 1)
        .and_then(orientation_only_exif);
    image.set_exif(kept_exif.map(Bytes::from));
    let is_jpeg = matches!(image, DynImage::Jpeg(_));
    let mut out = Vec::with_capacity(bytes.len());
    image.encoder().write_to(&mut out).ok()?;
    if is_jpeg {
        // Phones append more images after the photo (depth maps, previews), each with
        // metadata of its own: keep the photo only, up to its end-of-image marker.
        out.truncate(jpeg_end(&out)?);
    }
    Some(out)
}

/// Where a JPEG's first image ends: just after the end-of-image marker that follows its
/// first scan. Inside scan data a 0xFF byte is always followed by 0x00 or a restart
/// marker, so the first 0xFF 0xD9 after the scan starts is the end.
fn jpeg_end(bytes: &[u8]) -> Option<usize> {
    // Walk the marker segments to the first start-of-scan.
    let mut at = 2;
    while at + 4 <= bytes.len() {
        if bytes[at] != 0xFF {
            return None;
        }
        let marker = bytes[at + 1];
        let length = usize::from(u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]));
        if marker == 0xDA {
            let scan = at + 2 + length;
            return bytes
                .get(scan..)?
                .windows(2)
                .position(|w| w == [0xFF, 0xD9])
                .map(|p| scan + p + 2);
        }
        at += 2 + length;
    }
    None
}

/// The EXIF orientation (1-8) of an image, if it has one.
fn exif_orientation(bytes: &[u8]) -> Option<u16> {
    let exif = exif::Reader::new()
        .read_from_container(&mut Cursor::new(bytes))
        .ok()?;
    let field = exif.get_field(exif::Tag::Orientation, exif::In::PRIMARY)?;
    match &field.value {
        exif::Value::Short(v) => v.first().copied(),
        _ => None,
    }
}

/// An EXIF block holding the orientation and nothing else.
fn orientation_only_exif(orientation: u16) -> Option<Vec<u8>> {
    let field = exif::Field {
        tag: exif::Tag::Orientation,
        ifd_num: exif::In::PRIMARY,
        value: exif::Value::Short(vec![orientation]),
    };
    let mut writer = exif::experimental::Writer::new();
    writer.push_field(&field);
    let mut out = Cursor::new(Vec::new());
    writer.write(&mut out, false).ok()?;
    Some(out.into_inner())
}

/// A JPEG thumbnail, longest side [`THUMBNAIL_PX`] (smaller images keep their size),
/// upright as the photo's orientation says. `None` when the image cannot be decoded, or
/// only with more than `max_pixels` pixels' worth of memory (whatever its header said).
pub fn thumbnail(bytes: &[u8], max_pixels: u64) -> Option<Vec<u8>> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .ok()?;
    let mut limits = Limits::default();
    // Four bytes a pixel (RGBA), and room for the decoder's own buffers.
    limits.max_alloc = Some(max_pixels.saturating_mul(4).saturating_add(64 << 20));
    reader.limits(limits);
    let mut decoder = reader.into_decoder().ok()?;
    let orientation = decoder.orientation().ok()?;
    let mut image = DynamicImage::from_decoder(decoder).ok()?;
    image.apply_orientation(orientation);
    let small = if image.width().max(image.height()) > THUMBNAIL_PX {
        image.resize(THUMBNAIL_PX, THUMBNAIL_PX, FilterType::Triangle)
    } else {
        image
    };
    let mut out = Cursor::new(Vec::new());
    DynamicImage::ImageRgb8(small.to_rgb8())
        .write_to(&mut out, image::ImageFormat::Jpeg)
        .ok()?;
    Some(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 640 x 480 JPEG.
    fn photo() -> Vec<u8> {
        let image = image::RgbImage::from_fn(640, 480, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
        });
        let mut out = Cursor::new(Vec::new());
        DynamicImage::ImageRgb8(image)
            .write_to(&mut out, image::ImageFormat::Jpeg)
            .unwrap();
        out.into_inner()
    }

    /// An EXIF block with a GPS position and an orientation.
    fn gps_exif(orientation: u16) -> Vec<u8> {
        use exif::{Field, In, Rational, Tag, Value};
        let fields = [
            Field {
                tag: Tag::Orientation,
                ifd_num: In::PRIMARY,
                value: Value::Short(vec![orientation]),
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
                    Rational { num: 0, denom: 1 },
                ]),
            },
        ];
        let mut writer = exif::experimental::Writer::new();
        for f in &fields {
            writer.push_field(f);
        }
        let mut out = Cursor::new(Vec::new());
        writer.write(&mut out, false).unwrap();
        out.into_inner()
    }

    fn with_exif(jpeg: &[u8], exif: Vec<u8>) -> Vec<u8> {
        let mut image = DynImage::from_bytes(Bytes::copy_from_slice(jpeg))
            .unwrap()
            .unwrap();
        image.set_exif(Some(Bytes::from(exif)));
        let mut out = Vec::new();
        image.encoder().write_to(&mut out).unwrap();
        out
    }

    fn has_gps(bytes: &[u8]) -> bool {
        exif::Reader::new()
            .read_from_container(&mut Cursor::new(bytes))
            .map(|e| {
                e.get_field(exif::Tag::GPSLatitude, exif::In::PRIMARY)
                    .is_some()
            })
            .unwrap_or(false)
    }

    use super::super::rules::FileKind;

    #[test]
    fn a_photo_loses_its_position_and_keeps_its_orientation() {
        let tagged = with_exif(&photo(), gps_exif(6));
        assert!(has_gps(&tagged));
        let clean = without_metadata(&tagged).unwrap();
        assert!(!has_gps(&clean));
        assert_eq!(exif_orientation(&clean), Some(6));
        // Still a JPEG that decodes.
        assert_eq!(FileKind::of(&clean), Some(FileKind::Jpeg));
        assert!(image::load_from_memory(&clean).is_ok());
    }

    #[test]
    fn images_appended_after_the_photo_are_dropped() {
        let photo = photo();
        let mut with_extras = with_exif(&photo, gps_exif(1));
        // A second picture, with its own position, after the first one's end.
        with_extras.extend_from_slice(&with_exif(&photo, gps_exif(3)));
        let clean = without_metadata(&with_extras).unwrap();
        assert!(
            clean.len() < photo.len() + 1024,
            "{} of {}",
            clean.len(),
            with_extras.len()
        );
        assert!(clean.ends_with(&[0xFF, 0xD9]));
        assert_eq!(clean.windows(4).filter(|w| *w == b"Exif").count(), 0);
        assert!(image::load_from_memory(&clean).is_ok());
    }

    #[test]
    fn an_upright_photo_keeps_no_exif_at_all() {
        let clean = without_metadata(&with_exif(&photo(), gps_exif(1))).unwrap();
        assert_eq!(exif_orientation(&clean), None);
    }

    #[test]
    fn a_thumbnail_is_320_on_its_longest_side_and_upright() {
        let thumb = thumbnail(&photo(), DEFAULT_MAX_PIXELS).unwrap();
        let small = image::load_from_memory(&thumb).unwrap();
        assert_eq!((small.width(), small.height()), (320, 240));
        // Orientation 6 (rotate 90 degrees): the thumbnail stands upright.
        let turned = thumbnail(&with_exif(&photo(), gps_exif(6)), DEFAULT_MAX_PIXELS).unwrap();
        let turned = image::load_from_memory(&turned).unwrap();
        assert_eq!((turned.width(), turned.height()), (240, 320));
    }

    #[test]
    fn bytes_that_only_look_like_an_image_are_refused() {
        let mut broken = b"\xFF\xD8\xFF\xE0".to_vec();
        broken.extend_from_slice(&[0u8; 40]);
        assert!(thumbnail(&broken, DEFAULT_MAX_PIXELS).is_none());
    }
}
