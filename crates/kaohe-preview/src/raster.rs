//! A picture file (PNG, JPEG, GIF, BMP) decoded to RGB, after its header's width and height
//! were checked against the limit: a picture that claims to be 100,000 × 100,000 pixels (a
//! decompression bomb, or a scan made at a silly resolution) is refused before a pixel is
//! decoded, and the decoder is held to that size and to the memory it needs.

use crate::picture::Picture;
use crate::{Kind, Label, Limits, Note, Part, Preview, Why};
use image::{ImageFormat, ImageReader};
use std::io::Cursor;

pub(crate) fn read(kind: Kind, bytes: &[u8], limits: &Limits) -> Result<Preview, Why> {
    let picture = decode(kind, bytes, limits)?;
    let (width, height) = picture.original();
    let mut preview = Preview::one(
        kind,
        Part::Picture {
            label: Label::Whole,
            picture,
        },
    );
    if let Some(Part::Picture { picture, .. }) = preview.parts.first() {
        if (picture.width(), picture.height()) != (width, height) {
            preview.notes.push(Note::Scaled { width, height });
        }
    }
    Ok(preview)
}

/// Decodes a picture of `kind`, scaled down to fit the limit's side. (Only the first frame of
/// an animated GIF.)
pub(crate) fn decode(kind: Kind, bytes: &[u8], limits: &Limits) -> Result<Picture, Why> {
    let format = match kind {
        Kind::Png => ImageFormat::Png,
        Kind::Jpeg => ImageFormat::Jpeg,
        Kind::Gif => ImageFormat::Gif,
        Kind::Bmp => ImageFormat::Bmp,
        _ => return Err(Why::NotKnown),
    };
    let damaged = |e: image::ImageError| crate::unpack::damaged(kind, &e);
    let (width, height) = ImageReader::with_format(Cursor::new(bytes), format)
        .into_dimensions()
        .map_err(damaged)?;
    if u64::from(width) * u64::from(height) > limits.pixels {
        return Err(Why::PictureTooBig {
            width,
            height,
            limit: limits.pixels,
        });
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut bounds = image::Limits::default();
    bounds.max_image_width = Some(width);
    bounds.max_image_height = Some(height);
    // RGBA at 16 bits a channel, and room for the decoder's own buffers.
    bounds.max_alloc = Some(limits.pixels.saturating_mul(8).saturating_add(64 << 20));
    reader.limits(bounds);
    let decoded = reader.decode().map_err(damaged)?;
    let (w, h) = (decoded.width(), decoded.height());
    let rgb = if decoded.color().has_alpha() {
        // Transparent parts shown on white, as a viewer shows them on a page.
        let over =
            |c: u8, a: u8| ((u16::from(c) * u16::from(a) + 255 * (255 - u16::from(a))) / 255) as u8;
        decoded
            .into_rgba8()
            .pixels()
            .flat_map(|p| {
                let [r, g, b, a] = p.0;
                [over(r, a), over(g, a), over(b, a)]
            })
            .collect()
    } else {
        // Already RGB for a JPEG or a PNG without alpha: no copy.
        decoded.into_rgb8().into_raw()
    };
    let picture = Picture::new(w, h, rgb).ok_or(Why::Damaged { kind, detail: None })?;
    Ok(picture
        .fit(limits.picture_side, limits.picture_side)
        .scaled_from((width, height)))
}
