//! A decoded picture: RGB pixels, row by row, and what a terminal needs of it — scaled to fit
//! a box (each output pixel the average of the pixels it covers, so a photo of a sign stays
//! readable at half-block size) and written as PNG for the terminals that take one.

/// RGB pixels, `width` × `height`, three bytes each, row by row.
#[derive(Clone, PartialEq, Eq)]
pub struct Picture {
    width: u32,
    height: u32,
    rgb: Vec<u8>,
    /// The size of the picture this was scaled from (its own size if it was not).
    original: (u32, u32),
}

impl std::fmt::Debug for Picture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Picture({}×{} from {}×{})",
            self.width, self.height, self.original.0, self.original.1
        )
    }
}

impl Picture {
    /// A picture of these pixels, if there are as many as its size says (and it has a size).
    pub fn new(width: u32, height: u32, rgb: Vec<u8>) -> Option<Picture> {
        let wanted = u64::from(width) * u64::from(height) * 3;
        (width > 0 && height > 0 && rgb.len() as u64 == wanted).then_some(Picture {
            width,
            height,
            rgb,
            original: (width, height),
        })
    }

    pub fn width(&self) -> u32 {
        self.width
    }

    pub fn height(&self) -> u32 {
        self.height
    }

    /// The size of the file's picture, before any scaling.
    pub fn original(&self) -> (u32, u32) {
        self.original
    }

    /// The pixel at (x, y); black outside the picture.
    pub fn pixel(&self, x: u32, y: u32) -> [u8; 3] {
        if x >= self.width || y >= self.height {
            return [0, 0, 0];
        }
        let i = (y as usize * self.width as usize + x as usize) * 3;
        [self.rgb[i], self.rgb[i + 1], self.rgb[i + 2]]
    }

    /// The size this picture takes scaled (down only, never up) to fit `width` × `height`,
    /// its proportions kept.
    pub fn fitted_size(&self, width: u32, height: u32) -> (u32, u32) {
        let (width, height) = (width.max(1), height.max(1));
        let (w, h) = (f64::from(self.width), f64::from(self.height));
        let scale = (f64::from(width) / w).min(f64::from(height) / h).min(1.0);
        let fw = (w * scale).round().clamp(1.0, f64::from(width));
        let fh = (h * scale).round().clamp(1.0, f64::from(height));
        (fw as u32, fh as u32)
    }

    /// The picture scaled down to fit `width` × `height` (square pixels), its proportions
    /// kept; itself if it fits already.
    pub fn fit(self, width: u32, height: u32) -> Picture {
        let (w, h) = self.fitted_size(width, height);
        if (w, h) == (self.width, self.height) {
            return self;
        }
        self.resized(w, h)
    }

    /// The picture resized to exactly `w` × `h`: each new pixel the average of the old
    /// pixels under it (a box filter: no ringing, cheap, and fair to thin strokes).
    pub fn resized(&self, w: u32, h: u32) -> Picture {
        let (w, h) = (w.max(1), h.max(1));
        let mut rgb = Vec::with_capacity(w as usize * h as usize * 3);
        let sx = f64::from(self.width) / f64::from(w);
        let sy = f64::from(self.height) / f64::from(h);
        for y in 0..h {
            let y0 = (f64::from(y) * sy) as u32;
            let y1 = ((f64::from(y + 1) * sy).ceil() as u32).clamp(y0 + 1, self.height);
            for x in 0..w {
                let x0 = (f64::from(x) * sx) as u32;
                let x1 = ((f64::from(x + 1) * sx).ceil() as u32).clamp(x0 + 1, self.width);
                let mut sum = [0u64; 3];
                for yy in y0..y1 {
                    let row = yy as usize * self.width as usize;
                    for xx in x0..x1 {
                        let i = (row + xx as usize) * 3;
                        sum[0] += u64::from(self.rgb[i]);
                        sum[1] += u64::from(self.rgb[i + 1]);
                        sum[2] += u64::from(self.rgb[i + 2]);
                    }
                }
                let n = u64::from((y1 - y0) * (x1 - x0)).max(1);
                rgb.extend(sum.map(|s| (s / n) as u8));
            }
        }
        Picture {
            width: w,
            height: h,
            rgb,
            original: self.original,
        }
    }

    /// The picture as a PNG file, for the terminals that are sent one (kitty, iTerm2).
    pub fn png(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let encoder = image::codecs::png::PngEncoder::new_with_quality(
            &mut out,
            image::codecs::png::CompressionType::Fast,
            image::codecs::png::FilterType::Adaptive,
        );
        use image::ImageEncoder;
        if encoder
            .write_image(
                &self.rgb,
                self.width,
                self.height,
                image::ExtendedColorType::Rgb8,
            )
            .is_err()
        {
            out.clear();
        }
        out
    }

    /// Marks the picture as scaled from a picture of this size.
    pub(crate) fn scaled_from(mut self, original: (u32, u32)) -> Picture {
        self.original = original;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flat(w: u32, h: u32, c: [u8; 3]) -> Picture {
        Picture::new(w, h, c.repeat((w * h) as usize)).unwrap()
    }

    #[test]
    fn fitting_keeps_proportions_and_never_enlarges() {
        let p = flat(400, 200, [9, 9, 9]);
        assert_eq!(p.fitted_size(100, 100), (100, 50));
        assert_eq!(p.fitted_size(1000, 1000), (400, 200));
        let p = p.fit(40, 40);
        assert_eq!((p.width(), p.height()), (40, 20));
        assert_eq!(p.original(), (400, 200));
        assert_eq!(p.pixel(3, 3), [9, 9, 9]);
    }

    #[test]
    fn resizing_averages() {
        // Two columns, black and white: one pixel of both is grey.
        let p = Picture::new(2, 1, vec![0, 0, 0, 255, 255, 255]).unwrap();
        assert_eq!(p.resized(1, 1).pixel(0, 0), [127, 127, 127]);
    }

    #[test]
    fn a_picture_of_the_wrong_length_is_none() {
        assert!(Picture::new(2, 2, vec![0; 11]).is_none());
        assert!(Picture::new(0, 2, vec![]).is_none());
    }

    #[test]
    fn png_round_trips() {
        let png = flat(3, 2, [200, 10, 30]).png();
        assert!(png.starts_with(b"\x89PNG"));
    }
}
