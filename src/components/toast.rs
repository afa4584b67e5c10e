//! Result messages of actions, app-wide. Errors stay until dismissed; successes fade after a
//! while but can be dismissed at once. Messages are text, exactly as the API sent them.

use leptos::prelude::*;
use std::time::Duration;

#[derive(Clone)]
pub struct Toast {
    pub id: u64,
    pub ok: bool,
    pub title: String,
    pub message: String,
    /// A line of our own under the API's message (e.g. rDNS propagation time).
    pub note: Option<String>,
    /// A button: label and what it does (e.g. re-read the server after an unknown outcome).
    pub action: Option<(String, Callback<()>)>,
}

#[derive(Clone, Copy)]
pub struct Toaster {
    items: RwSignal<Vec<Toast>>,
    next: StoredValue<u64>,
}

const SUCCESS_STAYS: Duration = Duration::from_secs(12);

impl Toaster {
    pub fn new() -> Self {
        Toaster { items: RwSignal::new(Vec::new()), next: StoredValue::new(1) }
    }

    pub fn show(&self, ok: bool, title: impl Into<String>, message: impl Into<String>, note: Option<String>) {
        self.show_with_action(ok, title, message, note, None)
    }

    pub fn show_with_action(
        &self,
        ok: bool,
        title: impl Into<String>,
        message: impl Into<String>,
        note: Option<String>,
        action: Option<(String, Callback<()>)>,
    ) {
        let id = self.next.get_value();
        self.next.set_value(id + 1);
        let t = Toast { id, ok, title: title.into(), message: message.into(), note, action };
        // At most a screenful: the oldest go first.
        self.items.update(|v| {
            v.push(t);
            if v.len() > 6 {
                v.remove(0);
            }
        });
        if ok {
            let me = *self;
            set_timeout(move || me.dismiss(id), SUCCESS_STAYS);
        }
    }

    pub fn dismiss(&self, id: u64) {
        self.items.update(|v| v.retain(|t| t.id != id));
    }
}

pub fn use_toaster() -> Toaster {
    expect_context::<Toaster>()
}

#[component]
pub fn Toasts() -> impl IntoView {
    let toaster = use_toaster();
    view! {
        <section class="toasts" aria-label="Results">
            <For each=move || toaster.items.get() key=|t| t.id let:t>
                {
                    let id = t.id;
                    let (class, role) = if t.ok { ("toast ok", "status") } else { ("toast error", "alert") };
                    view! {
                        <div class=class role=role>
                            <div class="toast-body">
                                <p class="toast-title">{t.title}</p>
                                <p class="text">{t.message}</p>
                                {t.note.map(|n| view! { <p class="toast-note">{n}</p> })}
                                {t.action.map(|(label, cb)| view! {
                                    <button type="button" class="toast-action" on:click=move |_| { cb.run(()); toaster.dismiss(id); }>{label}</button>
                                })}
                            </div>
                            <button type="button" class="icon" aria-label="Dismiss" on:click=move |_| toaster.dismiss(id)>"\u{d7}"</button>
                        </div>
                    }
                }
            </For>
        </section>
    }
}
