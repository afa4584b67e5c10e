//! A labelled number field with its error next to it (aria-invalid, aria-describedby).

use leptos::prelude::*;

#[component]
pub fn NumberField(
    id: &'static str,
    #[prop(into)] label: String,
    min: u32,
    max: u32,
    /// What is typed, kept as text so a bad value stays on screen with its error.
    value: RwSignal<String>,
    error: Memo<Option<String>>,
    /// Called on every edit (e.g. to clear a stale "saved" message).
    on_edit: Callback<()>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input id=id type="number" min=min max=max inputmode="numeric"
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby=error_id.clone()
                prop:value=move || value.get()
                on:input:target=move |ev| { value.set(ev.target().value()); on_edit.run(()); }/>
            <p id=error_id class="field-error">{move || error.get()}</p>
        </div>
    }
}
