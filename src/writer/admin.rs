//! Admin commands: each is checked against the batch's working site, staged as events, files
//! and pages, committed with the rest of the batch, and answered only once durable and live.

use std::sync::Arc;
use std::time::Instant;

use tracing::info;

use super::files::deletion;
use super::{Batch, Writer};
use crate::admin::{
    self, AdminCommand, AdminError, AdminReply, AdminRequest, Reply, SaveEntry, SettingsChange,
};
use crate::change::{Actor, Change, EventSeq, MediaHash, MediaInfo};
use crate::content::slug::slugify;
use crate::etag::{self, Comparison};
use crate::pipeline::{self, Rejected};
use crate::site::Site;
use crate::site::entry::{Entry, EntryKind, Slug, SourcePath};

impl Writer {
    /// Applies a batch of admin writes: each is checked against the site as the batch left it,
    /// then all are committed in one transaction (one fsync), mirrored to `content/`, published,
    /// and only then answered.
    pub(super) fn apply_admin(&mut self, commands: Vec<AdminCommand>) {
        let started = Instant::now();
        let mut working = self.working_copy();
        let mut batch = Batch::default();
        let mut replies: Vec<(Reply, AdminReply)> = Vec::new();
        for command in commands {
            match self.admin_one(&mut working, &command.actor, command.request, &mut batch) {
                Ok(reply) => replies.push((command.reply, reply)),
                Err(e) => {
                    let _ = command.reply.send(Err(e));
                }
            }
        }
        let saved = batch.changes.len();
        if saved > 0 {
            match self.commit(working, batch) {
                Ok(rendered) => info!(
                    "{saved} admin changes saved; {rendered} pages rendered in {:.1?}",
                    started.elapsed()
                ),
                Err(_) => {
                    for (reply, _) in replies {
                        let _ = reply.send(Err(AdminError::Internal(
                            "the change could not be saved".to_owned(),
                        )));
                    }
                    return;
                }
            }
        }
        for (reply, answer) in replies {
            let _ = reply.send(Ok(answer));
        }
    }

    fn admin_one(
        &mut self,
        working: &mut Site,
        actor: &Actor,
        request: AdminRequest,
        batch: &mut Batch,
    ) -> Result<AdminReply, AdminError> {
        match request {
            AdminRequest::SaveEntry(save) => self.save_entry(working, actor, save, batch),
            AdminRequest::DeleteEntry {
                kind,
                slug,
                if_match,
            } => delete_entry(working, actor, kind, &slug, if_match.as_deref(), batch),
            AdminRequest::RestoreRevision { kind, slug, seq } => {
                self.restore_revision(working, actor, kind, &slug, seq, batch)
            }
            AdminRequest::AddMedia { file_name, bytes } => {
                self.add_media(actor, file_name, bytes, batch)
            }
            AdminRequest::DeleteMedia { hash } => self.delete_media(actor, hash, batch),
            AdminRequest::PutSettings { input } => self.put_settings(actor, input, batch),
            AdminRequest::Comment(request) => self.comment_command(working, actor, request, batch),
        }
    }

    /// Creates (`slug: None`) or replaces an entry.
    fn save_entry(
        &mut self,
        working: &mut Site,
        actor: &Actor,
        save: SaveEntry,
        batch: &mut Batch,
    ) -> Result<AdminReply, AdminError> {
        let SaveEntry {
            kind,
            slug,
            if_match,
            input,
        } = save;
        let existing = match &slug {
            Some(slug) => {
                let entry = find(working, kind, slug)?;
                check_if_match(&entry, if_match.as_deref(), true)?;
                Some(entry)
            }
            None => None,
        };
        admin::validate(&input)?;
        let slug = match (&input.slug, &existing) {
            (Some(s), _) => Slug::from_slugified(s.clone()),
            (None, Some(e)) => e.slug.clone(),
            (None, None) => {
                let s = slugify(&input.title);
                if s.is_empty() {
                    return Err(admin::field_error(
                        "title",
                        "title needs a letter or digit to make a slug",
                    ));
                }
                Slug::from_slugified(s)
            }
        };
        let source = match &existing {
            Some(e) => e.source.clone(),
            None => self.new_source_path(working, kind, &slug)?,
        };
        let now = self.clock.now();
        let tz = working.config.tz();
        let text = admin::source_text(&input, kind, &slug, existing.as_deref(), now, tz);
        self.stage_entry(working, actor, source, text, batch)
    }

    fn restore_revision(
        &mut self,
        working: &mut Site,
        actor: &Actor,
        kind: EntryKind,
        slug: &str,
        seq: EventSeq,
        batch: &mut Batch,
    ) -> Result<AdminReply, AdminError> {
        let internal = |e: crate::store::StoreError| AdminError::Internal(e.to_string());
        let source = match find(working, kind, slug) {
            Ok(entry) => entry.source.clone(),
            Err(not_found) => self
                .store
                .deleted_source(slug, kind)
                .map_err(internal)?
                .ok_or(not_found)?,
        };
        let text = self
            .store
            .source_at(&source, seq)
            .map_err(internal)?
            .ok_or_else(|| AdminError::NotFound(format!("no revision {} of {slug:?}", seq.0)))?;
        self.stage_entry(working, actor, source, text, batch)
    }

    fn add_media(
        &mut self,
        actor: &Actor,
        file_name: String,
        bytes: bytes::Bytes,
        batch: &mut Batch,
    ) -> Result<AdminReply, AdminError> {
        let (content_type, extension) = admin::detect_media_type(&bytes).ok_or_else(|| {
            AdminError::UnsupportedType(
                "this file type is not accepted; upload PNG, JPEG, GIF, WebP, AVIF, PDF, MP4, WebM, MP3 or Ogg"
                    .to_owned(),
            )
        })?;
        let hash = MediaHash::of(&bytes);
        let known = self.media.get(&hash).map(|(info, _)| info).or_else(|| {
            batch
                .media_added
                .iter()
                .map(|(info, _)| info)
                .find(|info| info.hash == hash)
        });
        if let Some(info) = known {
            return Ok(AdminReply::Media {
                media: info.clone(),
                created: false,
            });
        }
        let info = MediaInfo {
            hash,
            content_type: content_type.to_owned(),
            extension: extension.to_owned(),
            file_name: admin::clean_file_name(&file_name),
            size: bytes.len() as u64,
        };
        batch.changes.push((
            actor.clone(),
            Change::MediaAdded {
                media: info.clone(),
                bytes: bytes.clone(),
            },
        ));
        batch.media_added.push((info.clone(), bytes));
        Ok(AdminReply::Media {
            media: info,
            created: true,
        })
    }

    fn delete_media(
        &mut self,
        actor: &Actor,
        hash: MediaHash,
        batch: &mut Batch,
    ) -> Result<AdminReply, AdminError> {
        if !self.media.contains_key(&hash) {
            return Err(AdminError::NotFound(format!("no media {hash}")));
        }
        batch
            .changes
            .push((actor.clone(), Change::MediaDeleted { hash: hash.clone() }));
        batch.media_deleted.push(hash);
        Ok(AdminReply::Deleted)
    }

    fn put_settings(
        &mut self,
        actor: &Actor,
        input: SettingsChange,
        batch: &mut Batch,
    ) -> Result<AdminReply, AdminError> {
        admin::validate_settings(&input)?;
        let mut settings = batch
            .settings
            .clone()
            .unwrap_or_else(|| self.settings.clone());
        admin::apply_settings(&mut settings, input);
        batch.changes.push((
            actor.clone(),
            Change::SettingsUpdated {
                settings: settings.clone(),
            },
        ));
        batch.settings = Some(settings);
        Ok(AdminReply::SettingsSaved)
    }

    /// Compiles and admits API-written markdown into the working site and stages its event,
    /// its file and its pages in the batch. Problems are mapped to the fields they concern.
    fn stage_entry(
        &mut self,
        working: &mut Site,
        actor: &Actor,
        source: SourcePath,
        text: String,
        batch: &mut Batch,
    ) -> Result<AdminReply, AdminError> {
        let impact = pipeline::compile_and_admit(
            working,
            &self.renderer.theme,
            &self.markdown,
            &source,
            &text,
        )
        .map_err(|rejected| match rejected {
            Rejected::Compile(d) => admin::field_error("body", d.message),
            Rejected::Admit(_, e) => admin::field_error(e.field(), e.to_string()),
        })?;
        self.errors.remove(&source.display_path());
        let entry = working
            .entry(&source)
            .cloned()
            .ok_or_else(|| AdminError::Internal("entry vanished".to_owned()))?;
        batch.changes.push((
            actor.clone(),
            Change::EntryUpserted {
                entry: Box::new((*entry).clone()),
                source_text: text.clone(),
            },
        ));
        batch.files.push((source, Some(text.clone())));
        batch.impact.merge(impact);
        Ok(AdminReply::Entry {
            entry,
            source_text: text,
        })
    }

    /// `posts/<slug>.md` or `<slug>.md`, avoiding files that exist but are not in the site.
    fn new_source_path(
        &self,
        working: &Site,
        kind: EntryKind,
        slug: &str,
    ) -> Result<SourcePath, AdminError> {
        let dir = match kind {
            EntryKind::Post => "posts/",
            EntryKind::Page => "",
        };
        for n in 1..1000 {
            let name = if n == 1 {
                format!("{dir}{slug}.md")
            } else {
                format!("{dir}{slug}-{n}.md")
            };
            let Some(source) = SourcePath::new(&name) else {
                break;
            };
            let on_disk = self.paths.content().join(source.as_str()).exists();
            if working.entry(&source).is_none() && !on_disk {
                return Ok(source);
            }
        }
        Err(admin::field_error(
            "slug",
            format!("no free file name for {slug:?}"),
        ))
    }
}

fn delete_entry(
    working: &mut Site,
    actor: &Actor,
    kind: EntryKind,
    slug: &str,
    if_match: Option<&str>,
    batch: &mut Batch,
) -> Result<AdminReply, AdminError> {
    let entry = find(working, kind, slug)?;
    check_if_match(&entry, if_match, false)?;
    if let Some(change) = deletion(working, &entry.source) {
        batch.changes.push((actor.clone(), change));
    }
    batch.impact.merge(working.remove(&entry.source));
    batch.files.push((entry.source.clone(), None));
    Ok(AdminReply::Deleted)
}

fn find(site: &Site, kind: EntryKind, slug: &str) -> Result<Arc<Entry>, AdminError> {
    site.find(kind, slug)
        .cloned()
        .ok_or_else(|| AdminError::not_found(kind, slug))
}

/// `If-Match` uses strong comparison (RFC 9110 §13.1.1): a weak tag never matches.
fn check_if_match(entry: &Entry, if_match: Option<&str>, required: bool) -> Result<(), AdminError> {
    match if_match {
        None if required => Err(AdminError::PreconditionRequired),
        None => Ok(()),
        Some(value) if etag::list_matches(value, &etag::of_entry(entry), Comparison::Strong) => {
            Ok(())
        }
        Some(_) => Err(AdminError::PreconditionFailed),
    }
}
