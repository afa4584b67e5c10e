//! The numbered steps of a guided workflow: done ones with their result message, the current
//! one with its controls (drawn by the screen), the rest waiting.

use crate::state::workflow::StepLog;
use leptos::prelude::*;

#[component]
pub fn StepList<F>(
    titles: &'static [&'static str],
    /// The current step (0-based); past the last when the workflow is done.
    #[prop(into)]
    step: Signal<usize>,
    /// The result messages of the steps done.
    #[prop(into)]
    log: Signal<Vec<StepLog>>,
    /// The controls of the current step.
    body: F,
) -> impl IntoView
where
    F: Fn(usize) -> AnyView + Copy + Send + Sync + 'static,
{
    view! {
        <ol class="steps">
            {titles.iter().enumerate().map(|(i, title)| {
                let record = move || log.with(|l| l.iter().find(|l| l.step == i).cloned());
                view! {
                    <li class:current=move || { step.get() == i } class:done=move || { step.get() > i }
                        aria-current=move || { (step.get() == i).then_some("step") }>
                        {*title}
                        {move || record().map(|l| view! {
                            <p class=if l.ok { "step-body field-ok" } else { "step-body field-warning" } data-testid=format!("step-{i}-result")>{l.message}</p>
                        })}
                        {move || (step.get() == i).then(|| body(i))}
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}
