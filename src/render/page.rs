//! Rendered responses held in memory: bytes precompressed once, a strong ETag, and the table
//! that maps URL paths to them.

use std::io::Write;
use std::sync::Arc;
use std::time::SystemTime;

use bytes::Bytes;

/// How long clients and CDNs may keep a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CachePolicy {
    /// HTML, feeds: may change on any edit, so revalidate (cheap thanks to the ETag).
    Revalidate,
    /// Theme and static files: short-lived.
    Short,
    /// Content-addressed files: never change.
    Immutable,
}

impl CachePolicy {
    pub fn header_value(self) -> &'static str {
        match self {
            CachePolicy::Revalidate => "public, max-age=0, must-revalidate",
            CachePolicy::Short => "public, max-age=3600",
            CachePolicy::Immutable => "public, max-age=31536000, immutable",
        }
    }
}

/// One response body in every encoding it is offered in.
#[derive(Debug, Clone)]
pub struct Page {
    pub content_type: String,
    pub identity: Bytes,
    pub gzip: Option<Bytes>,
    pub brotli: Option<Bytes>,
    /// Hash of `identity`, unquoted; each encoding's ETag derives from it.
    pub hash: String,
    pub last_modified: SystemTime,
    pub cache: CachePolicy,
}

/// Whether to precompress: the server does, a static export does not need to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    Precompress,
    None,
}

const MIN_COMPRESS_LEN: usize = 256;
/// Brotli quality: 6 keeps an edit's re-render in milliseconds while staying well ahead of gzip.
const BROTLI_QUALITY: u32 = 6;
const BROTLI_WINDOW: u32 = 22;

impl Page {
    pub fn new(
        content_type: &str,
        body: impl Into<Bytes>,
        cache: CachePolicy,
        compression: Compression,
    ) -> Page {
        let identity: Bytes = body.into();
        let hash = blake3::hash(&identity).to_hex()[..24].to_owned();
        let worth_compressing = compression == Compression::Precompress
            && identity.len() >= MIN_COMPRESS_LEN
            && is_compressible(content_type);
        let (gzip, brotli) = if worth_compressing {
            (
                gzip(&identity).filter(|z| z.len() < identity.len()),
                brotli(&identity).filter(|b| b.len() < identity.len()),
            )
        } else {
            (None, None)
        };
        Page {
            content_type: content_type.to_owned(),
            identity,
            gzip,
            brotli,
            hash,
            last_modified: SystemTime::now(),
            cache,
        }
    }

    pub fn etag(&self, encoding: Encoding) -> String {
        match encoding {
            Encoding::Identity => format!("\"{}\"", self.hash),
            Encoding::Gzip => format!("\"{}.gz\"", self.hash),
            Encoding::Brotli => format!("\"{}.br\"", self.hash),
        }
    }

    pub fn body(&self, encoding: Encoding) -> Option<&Bytes> {
        match encoding {
            Encoding::Identity => Some(&self.identity),
            Encoding::Gzip => self.gzip.as_ref(),
            Encoding::Brotli => self.brotli.as_ref(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Identity,
    Gzip,
    Brotli,
}

impl Encoding {
    pub fn header_value(self) -> Option<&'static str> {
        match self {
            Encoding::Identity => None,
            Encoding::Gzip => Some("gzip"),
            Encoding::Brotli => Some("br"),
        }
    }
}

fn is_compressible(content_type: &str) -> bool {
    content_type.starts_with("text/")
        || ["xml", "json", "javascript", "svg", "wasm"]
            .iter()
            .any(|t| content_type.contains(t))
}

fn gzip(data: &[u8]) -> Option<Bytes> {
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(data.len() / 3),
        flate2::Compression::new(6),
    );
    encoder.write_all(data).ok()?;
    encoder.finish().ok().map(Bytes::from)
}

fn brotli(data: &[u8]) -> Option<Bytes> {
    let mut out = Vec::with_capacity(data.len() / 3);
    {
        let mut writer =
            brotli::CompressorWriter::new(&mut out, 4096, BROTLI_QUALITY, BROTLI_WINDOW);
        writer.write_all(data).ok()?;
    }
    Some(Bytes::from(out))
}

/// What a URL path answers with.
#[derive(Debug, Clone)]
pub enum Served {
    Page(Page),
    /// An alias (301) or a canonical-slash redirect (308).
    Redirect {
        location: String,
        status: u16,
    },
}

/// Everything the public site serves, by decoded URL path. Files (`static/`, theme assets)
/// are looked up before rendered pages, so a site can replace any generated file.
#[derive(Debug, Clone, Default)]
pub struct PageTable {
    pub pages: imbl::HashMap<String, Arc<Served>>,
    pub files: imbl::HashMap<String, Arc<Served>>,
}

impl PageTable {
    pub fn lookup(&self, path: &str) -> Option<&Arc<Served>> {
        self.files.get(path).or_else(|| self.pages.get(path))
    }

    pub fn not_found(&self) -> Option<&Arc<Served>> {
        self.pages.get(crate::site::route::NOT_FOUND_PATH)
    }

    /// Puts a rendered page in place; an unchanged body keeps its old Last-Modified.
    pub fn put_page(&mut self, path: String, mut served: Served) {
        if let (Served::Page(new), Some(old)) = (&mut served, self.pages.get(&path))
            && let Served::Page(old) = old.as_ref()
            && old.hash == new.hash
        {
            new.last_modified = old.last_modified;
        }
        self.pages.insert(path, Arc::new(served));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_precompressed_and_etags_differ_per_encoding() {
        let page = Page::new(
            "text/html; charset=utf-8",
            "<p>hello</p>".repeat(100),
            CachePolicy::Revalidate,
            Compression::Precompress,
        );
        assert!(page.brotli.is_some() && page.gzip.is_some());
        assert_ne!(page.etag(Encoding::Brotli), page.etag(Encoding::Identity));
    }

    #[test]
    fn images_and_tiny_bodies_are_not_compressed() {
        let png = Page::new(
            "image/png",
            vec![0u8; 4096],
            CachePolicy::Short,
            Compression::Precompress,
        );
        let tiny = Page::new(
            "text/plain",
            "hi",
            CachePolicy::Short,
            Compression::Precompress,
        );
        assert!(png.gzip.is_none() && tiny.brotli.is_none());
    }
}
