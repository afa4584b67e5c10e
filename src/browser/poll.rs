//! Watching a queued task: a tick every few seconds while the watch is on and the page is
//! visible; nothing runs once the screen is left.

use crate::state::later::Later;
use leptos::prelude::*;
use std::time::Duration;

/// Whether the page is visible, for the whole app (one listener).
#[derive(Clone, Copy)]
pub struct PageVisible(pub ReadSignal<bool>);

fn is_visible() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .map(|d| d.visibility_state() == web_sys::VisibilityState::Visible)
        .unwrap_or(true)
}

/// Made the first time a screen polls (`Later`); its listener lives as long as the app.
fn page_visibility() -> PageVisible {
    let (visible, set_visible) = signal(is_visible());
    let _ = window_event_listener(leptos::ev::visibilitychange, move |_| set_visible.set(is_visible()));
    PageVisible(visible)
}

/// Call `tick` every `period_secs` while `active` is true and the page is visible.
pub fn use_poll(period_secs: Signal<u32>, active: Signal<bool>, tick: impl Fn() + Clone + 'static) {
    let visible = Later::<PageVisible>::get(page_visibility).0;
    let handle = StoredValue::new(None::<IntervalHandle>);
    let stop = move || {
        if let Some(Some(h)) = handle.try_get_value() {
            h.clear();
            handle.set_value(None);
        }
    };
    Effect::new(move |_| {
        let run = active.get() && visible.get();
        let secs = period_secs.get().max(1);
        stop();
        if run {
            let t = tick.clone();
            if let Ok(h) = set_interval_with_handle(move || t(), Duration::from_secs(u64::from(secs))) {
                handle.set_value(Some(h));
            }
        }
    });
    on_cleanup(stop);
}
