//! Where a site's files are: the root, its data folder, and the folders inside the root.

use std::path::PathBuf;

/// The site root and its data folder; every other place is derived from them.
#[derive(Debug, Clone)]
pub struct SitePaths {
    pub root: PathBuf,
    pub data: PathBuf,
}

impl SitePaths {
    /// Makes the root absolute: the watcher reports absolute paths, and they must compare
    /// equal to ours whatever `--root` looked like (`.` by default).
    pub fn new(root: PathBuf, data: Option<PathBuf>) -> SitePaths {
        let root = std::fs::canonicalize(&root).unwrap_or(root);
        let data = data.unwrap_or_else(|| root.join(".quire"));
        SitePaths { root, data }
    }

    pub fn content(&self) -> PathBuf {
        self.root.join("content")
    }

    pub fn static_dir(&self) -> PathBuf {
        self.root.join("static")
    }

    /// `themes/`, which holds one override folder per theme name.
    pub fn themes(&self) -> PathBuf {
        self.root.join("themes")
    }

    pub fn config_file(&self) -> PathBuf {
        self.root.join(crate::config::CONFIG_FILE)
    }
}

/// The one path-traversal guard: a `/`-separated relative path whose every segment is a plain
/// name (no empty, `.` or `..` segment, no backslash, no NUL). Content paths, URL paths and
/// export file names all pass through it.
pub fn is_clean_relative(path: &str) -> bool {
    !path.is_empty()
        && !path.contains(['\\', '\0'])
        && path
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..")
}

#[cfg(test)]
mod tests {
    use super::is_clean_relative;

    #[test]
    fn traversal_and_odd_paths_are_refused() {
        for bad in [
            "", "/x", "../x", "a/../b", "a//b", "./a", "a\\b", "a\0b", "a/",
        ] {
            assert!(!is_clean_relative(bad), "{bad:?}");
        }
        assert!(is_clean_relative("posts/a.md"));
    }
}
