//! Word-level diffs for people: two texts as one, removed words in `<del>`, added in `<ins>`,
//! everything escaped. The history compares revisions with this; a conflict shows it too.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use similar::{ChangeTag, TextDiff};
use tera::Context;

use super::entries::{kind_of, not_found, plural};
use super::page::{Frame, Session, render};
use crate::change::EventSeq;
use crate::escape::escape;
use crate::http::{AppState, with_db};

/// `old` and `new` as one text, word by word.
pub fn word_diff_html(old: &str, new: &str) -> String {
    let diff = TextDiff::from_words(old, new);
    let mut out = String::with_capacity(old.len() + new.len());
    for change in diff.iter_all_changes() {
        let text = escape(change.value());
        match change.tag() {
            ChangeTag::Equal => out.push_str(&text),
            ChangeTag::Delete => {
                out.push_str("<del>");
                out.push_str(&text);
                out.push_str("</del>");
            }
            ChangeTag::Insert => {
                out.push_str("<ins>");
                out.push_str(&text);
                out.push_str("</ins>");
            }
        }
    }
    out
}

#[derive(Deserialize)]
pub struct Against {
    /// Another revision's number; absent compares with the current version.
    against: Option<i64>,
}

/// `/admin/{kind}/{slug}/diff/{seq}`: a revision against the current version (or another).
pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String, i64)>,
    query: web::Query<Against>,
) -> HttpResponse {
    let (kind, slug, seq) = path.into_inner();
    let Some(kind) = kind_of(&kind) else {
        return not_found();
    };
    let session = match Session::of(&req, &state).await {
        Ok(s) => s,
        Err(response) => return response,
    };
    let live = state.published.load().site.find(kind, &slug).cloned();
    let (lookup, against) = (slug.clone(), query.against);
    let texts = with_db(&state, move |db| {
        let source = match live.map(|e| e.source.clone()) {
            Some(s) => Some(s),
            None => db.deleted_source(&lookup, kind)?,
        };
        let Some(source) = source else {
            return Ok(None);
        };
        let old = db.source_at(&source, EventSeq(seq))?;
        let new = match against {
            Some(other) => db.source_at(&source, EventSeq(other))?,
            None => db.latest_source(&source)?,
        };
        Ok::<_, crate::store::StoreError>(old.zip(new))
    })
    .await;
    let (old, new) = match texts {
        Ok(Ok(Some(texts))) => texts,
        Ok(Ok(None)) => return not_found(),
        Ok(Err(e)) => return crate::http::error::internal(e),
        Err(response) => return response,
    };
    let mut data = Context::new();
    data.insert("diff", &word_diff_html(&old, &new));
    data.insert("seq", &seq);
    data.insert(
        "against",
        &query.against.map_or("the current version".to_owned(), |o| {
            format!("revision #{o}")
        }),
    );
    data.insert(
        "history_url",
        &format!("/admin/{}/{slug}/history", plural(kind)),
    );
    let frame = Frame::of(&session, "Compare", plural(kind), None, None);
    render(&state, StatusCode::OK, "diff.html", frame, data).await
}

#[cfg(test)]
mod tests {
    use super::word_diff_html;

    #[test]
    fn words_removed_and_added_are_marked_and_escaped() {
        assert_eq!(
            word_diff_html("a <b> cat sat", "a <b> dog sat"),
            "a &lt;b&gt; <del>cat</del><ins>dog</ins> sat"
        );
    }
}
