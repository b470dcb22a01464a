//! Comments as part of the site: each belongs to a post (by source path), may answer one
//! top-level comment, and waits for moderation unless approved. Pure data, persistent maps.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use imbl::OrdMap;
use serde::{Deserialize, Serialize};

use super::entry::SourcePath;
use super::{Impact, Site};

/// Where a comment stands. Only `Approved` comments are shown to readers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CommentStatus {
    Pending,
    Approved,
    Rejected,
    Spam,
}

impl CommentStatus {
    pub fn name(self) -> &'static str {
        match self {
            CommentStatus::Pending => "pending",
            CommentStatus::Approved => "approved",
            CommentStatus::Rejected => "rejected",
            CommentStatus::Spam => "spam",
        }
    }

    pub fn parse(name: &str) -> Option<CommentStatus> {
        [
            CommentStatus::Pending,
            CommentStatus::Approved,
            CommentStatus::Rejected,
            CommentStatus::Spam,
        ]
        .into_iter()
        .find(|s| s.name() == name)
    }
}

/// One comment, as stored in the log and shown on its post.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comment {
    pub id: u64,
    pub post: SourcePath,
    /// The top-level comment this one answers.
    pub parent: Option<u64>,
    /// As the commenter gave it; empty for "Anonymous".
    pub author: String,
    /// The markdown the commenter wrote (kept so a newer sanitizer can render it again).
    pub body: String,
    /// `body` rendered and sanitized.
    pub html: String,
    pub created: DateTime<Utc>,
    pub edited: Option<DateTime<Utc>>,
    pub status: CommentStatus,
    /// BLAKE3 of the secret the commenter's browser keeps to edit or delete it for a while.
    pub edit_key: String,
    /// BLAKE3 of the key a commenter's browser keeps across comments (empty without one), so
    /// a returning commenter can be recognised without storing who they are.
    #[serde(default)]
    pub commenter: String,
    /// Where it came from, for imports (`"disqus"`, `"isso"`...); `None` when written here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub imported_from: Option<String>,
}

/// The comments of one post, by id (which is also their order).
pub type Thread = OrdMap<u64, Arc<Comment>>;

impl Site {
    /// Whether a post takes comments: its `allow_comments` front matter (top level, or in
    /// `[extra]` as Zola keeps custom fields), else the site's `[comments] enabled`. Pages
    /// never do.
    pub fn comments_open(&self, entry: &super::entry::Entry) -> bool {
        let own = entry
            .extra
            .get("allow_comments")
            .or_else(|| entry.extra.get("extra")?.get("allow_comments"))
            .and_then(serde_json::Value::as_bool);
        entry.kind == super::entry::EntryKind::Post && own.unwrap_or(self.config.comments.enabled)
    }

    pub fn comment(&self, id: u64) -> Option<&Arc<Comment>> {
        let post = self.comment_posts.get(&id)?;
        self.comments.get(post)?.get(&id)
    }

    /// A post's comments, every status, oldest first.
    pub fn thread(&self, post: &SourcePath) -> Option<&Thread> {
        self.comments.get(post)
    }

    /// Every comment, newest first.
    pub fn all_comments(&self) -> Vec<Arc<Comment>> {
        let mut all: Vec<Arc<Comment>> = self
            .comments
            .values()
            .flat_map(|thread| thread.values().cloned())
            .collect();
        all.sort_by_key(|c| std::cmp::Reverse(c.id));
        all
    }

    /// Approved comments on a post.
    pub fn approved_count(&self, post: &SourcePath) -> usize {
        self.comments.get(post).map_or(0, |thread| {
            thread
                .values()
                .filter(|c| c.status == CommentStatus::Approved)
                .count()
        })
    }

    /// Whether someone with this commenter hash already has an approved comment here.
    pub fn is_returning_commenter(&self, commenter: &str) -> bool {
        !commenter.is_empty()
            && self.comments.values().any(|thread| {
                thread
                    .values()
                    .any(|c| c.commenter == commenter && c.status == CommentStatus::Approved)
            })
    }

    pub fn next_comment_id(&self) -> u64 {
        self.comment_posts.get_max().map_or(1, |(id, _)| id + 1)
    }

    /// Adds or replaces a comment; the islands showing its post's comments must be filled again.
    pub fn put_comment(&mut self, comment: Comment) -> Impact {
        let post = comment.post.clone();
        self.comment_posts.insert(comment.id, post.clone());
        self.comments
            .entry(post.clone())
            .or_default()
            .insert(comment.id, Arc::new(comment));
        self.refill_for(&post)
    }

    pub fn remove_comment(&mut self, id: u64) -> Impact {
        let Some(post) = self.comment_posts.remove(&id) else {
            return Impact::default();
        };
        // Replies go with the comment they answer.
        let replies: Vec<u64> = self
            .comments
            .get(&post)
            .map(|thread| {
                thread
                    .values()
                    .filter(|c| c.parent == Some(id))
                    .map(|c| c.id)
                    .collect()
            })
            .unwrap_or_default();
        for reply in &replies {
            self.comment_posts.remove(reply);
        }
        let empty = self.comments.get_mut(&post).is_some_and(|thread| {
            thread.remove(&id);
            for reply in &replies {
                thread.remove(reply);
            }
            thread.is_empty()
        });
        if empty {
            self.comments.remove(&post);
        }
        self.refill_for(&post)
    }

    /// A comment changed on `post`: its islands are filled again, its feed and the site's
    /// comment feed are written again.
    fn refill_for(&self, post: &SourcePath) -> Impact {
        let mut impact = Impact::default();
        if let Some(entry) = self.entries.get(post) {
            for island in ["comments", "comment_count"] {
                impact.refill.insert((island.to_owned(), entry.url_path()));
            }
            if self.approved_count(post) == 0 {
                impact
                    .removed_paths
                    .insert(format!("{}comments.xml", entry.url_path()));
            }
        }
        impact
            .render
            .insert(super::route::Route::CommentFeed(post.clone()));
        impact.render.insert(super::route::Route::CommentsFeed);
        impact
    }
}
