//! The document's title, for the screen being shown.

use leptos::prelude::document;

pub fn set_title(page: &str) {
    document().set_title(&format!("{page} \u{b7} Hostwinds networking console"));
}
