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
    /// Whether br/gzip versions are worth having (text, not tiny).
    pub compressible: bool,
    /// The page split at its islands, when it has any: the server fills them per request.
    pub islands: Option<super::islands::SharedIslands>,
    /// Header values formatted once, so a request allocates nothing for them:
    /// the ETags of identity, gzip and brotli, then Last-Modified.
    header_values: [Bytes; 4],
}

/// Whether to compress now. The server publishes pages first and compresses them right after,
/// off the critical path; a static export does not compress at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    Precompress,
    None,
}

const MIN_COMPRESS_LEN: usize = 256;
/// Brotli quality: 6 keeps compression in milliseconds per page while staying well ahead of gzip.
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
        let compressible = identity.len() >= MIN_COMPRESS_LEN && is_compressible(content_type);
        let last_modified = SystemTime::now();
        let mut page = Page {
            content_type: content_type.to_owned(),
            header_values: header_values(&hash, last_modified),
            identity,
            gzip: None,
            brotli: None,
            hash,
            last_modified,
            cache,
            compressible,
            islands: None,
        };
        if compression == Compression::Precompress {
            page.compress();
        }
        page
    }

    /// A file served as it is, its type guessed from its name (`css/site.css` -> `text/css`).
    pub fn file(
        name: &str,
        body: impl Into<Bytes>,
        cache: CachePolicy,
        compression: Compression,
    ) -> Page {
        let guessed = mime_guess::from_path(name).first_or_octet_stream();
        // Text is UTF-8 here; saying so spares browsers a guess (and a re-parse).
        let textual = guessed.type_() == mime_guess::mime::TEXT
            || matches!(guessed.subtype().as_str(), "javascript" | "json" | "xml")
            || guessed
                .suffix()
                .is_some_and(|s| s == mime_guess::mime::XML || s == mime_guess::mime::JSON);
        let content_type = if textual && guessed.get_param("charset").is_none() {
            format!("{guessed}; charset=utf-8")
        } else {
            guessed.to_string()
        };
        Page::new(&content_type, body, cache, compression)
    }

    /// True while a compressible page has no compressed versions yet.
    pub fn needs_compression(&self) -> bool {
        self.compressible && self.gzip.is_none() && self.brotli.is_none()
    }

    /// Adds the br and gzip versions, each kept only if smaller than the original.
    pub fn compress(&mut self) {
        if self.needs_compression() {
            self.gzip = gzip(&self.identity).filter(|z| z.len() < self.identity.len());
            self.brotli = brotli(&self.identity).filter(|b| b.len() < self.identity.len());
            // Never compressible after all: do not try again.
            self.compressible = self.gzip.is_some() || self.brotli.is_some();
        }
    }

    pub fn set_last_modified(&mut self, at: SystemTime) {
        self.last_modified = at;
        self.header_values = header_values(&self.hash, at);
    }

    pub fn etag(&self, encoding: Encoding) -> &Bytes {
        match encoding {
            Encoding::Identity => &self.header_values[0],
            Encoding::Gzip => &self.header_values[1],
            Encoding::Brotli => &self.header_values[2],
        }
    }

    /// `Last-Modified` as an HTTP date.
    pub fn last_modified_value(&self) -> &Bytes {
        &self.header_values[3]
    }

    pub fn body(&self, encoding: Encoding) -> Option<&Bytes> {
        match encoding {
            Encoding::Identity => Some(&self.identity),
            Encoding::Gzip => self.gzip.as_ref(),
            Encoding::Brotli => self.brotli.as_ref(),
        }
    }
}

fn header_values(hash: &str, last_modified: SystemTime) -> [Bytes; 4] {
    let http_date =
        chrono::DateTime::<chrono::Utc>::from(last_modified).format("%a, %d %b %Y %H:%M:%S GMT");
    [
        Bytes::from(format!("\"{hash}\"")),
        Bytes::from(format!("\"{hash}.gz\"")),
        Bytes::from(format!("\"{hash}.br\"")),
        Bytes::from(http_date.to_string()),
    ]
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
#[allow(clippy::large_enum_variant)] // always behind an Arc in the page table; boxing adds a hop per request
pub enum Served {
    Page(Page),
    /// An alias (301) or a canonical-slash redirect (308).
    Redirect {
        location: String,
        status: u16,
    },
}

/// Everything the public site serves, by decoded URL path. Files (`static/`, theme assets,
/// media) are looked up before rendered pages, so a site can replace any generated file.
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

    /// Puts a rendered page in place. An unchanged body keeps its Last-Modified and the
    /// compressed versions already made. Returns whether the page still needs compressing.
    pub fn put_page(&mut self, path: String, mut served: Served) -> bool {
        if let (Served::Page(new), Some(old)) = (&mut served, self.pages.get(&path))
            && let Served::Page(old) = old.as_ref()
            && old.hash == new.hash
        {
            new.set_last_modified(old.last_modified);
            if new.needs_compression() {
                new.gzip.clone_from(&old.gzip);
                new.brotli.clone_from(&old.brotli);
            }
        }
        let needs = matches!(&served, Served::Page(p) if p.needs_compression());
        self.pages.insert(path, Arc::new(served));
        needs
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
        assert_eq!(
            page.etag(Encoding::Identity),
            &Bytes::from(format!("\"{}\"", page.hash))
        );
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
        assert!(!png.needs_compression() && !tiny.needs_compression());
    }

    #[test]
    fn compression_can_come_later() {
        let mut page = Page::new(
            "text/html",
            "<p>later</p>".repeat(100),
            CachePolicy::Revalidate,
            Compression::None,
        );
        assert!(page.needs_compression());
        page.compress();
        assert!(!page.needs_compression() && page.brotli.is_some());
    }
}
