//! This browser's actions: time, server, action, parameters, result and message.

use crate::app::set_title;
use crate::components::confirm::ConfirmDialog;
use crate::history::use_history;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn ActivityPage() -> impl IntoView {
    set_title("Activity");
    let history = use_history();
    let (confirm_clear, set_confirm_clear) = signal(false);
    view! {
        <h1>"Activity"</h1>
        <p class="muted">"Actions run from this browser, newest first (kept in this browser only)."</p>
        {move || {
            let entries = history.entries.get();
            if entries.is_empty() {
                return view! { <p class="empty">"No actions yet."</p> }.into_any();
            }
            view! {
                <div class="toolbar"><button type="button" on:click=move |_| set_confirm_clear.set(true)>"Clear history"</button></div>
                <table class="data activity">
                    <caption>{format!("{} actions", entries.len())}</caption>
                    <thead><tr>
                        <th scope="col">"Time"</th><th scope="col">"Server"</th><th scope="col">"Action"</th>
                        <th scope="col">"Parameters"</th><th scope="col">"Result"</th><th scope="col">"Message"</th>
                    </tr></thead>
                    <tbody>
                        {entries.into_iter().map(|e| {
                            let when = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(e.at_ms));
                            let when = String::from(when.to_locale_string("en-GB", &wasm_bindgen::JsValue::UNDEFINED));
                            let label = e.label();
                            view! {
                                <tr>
                                    <td class="mono">{when}</td>
                                    <td>{e.serviceid.map(|s| view! { <A href=format!("/servers/{s}")>{s.to_string()}</A> })}</td>
                                    <td>{label}</td>
                                    <td class="mono">{e.params}</td>
                                    <td>{if e.ok { view! { <span class="badge good">"success"</span> } } else { view! { <span class="badge bad">"error"</span> } }}</td>
                                    <td class="text">{e.message}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
        {move || confirm_clear.get().then(|| view! {
            <ConfirmDialog title="Clear this browser's history?" confirm_label="Clear history" danger=true
                on_confirm=Callback::new(move |_| { history.clear(); set_confirm_clear.set(false); })
                on_cancel=Callback::new(move |_| set_confirm_clear.set(false))>
                <p>"The record of actions run from this browser is deleted. Nothing changes at Hostwinds."</p>
            </ConfirmDialog>
        })}
    }
}
