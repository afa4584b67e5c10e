//! How DNS check results look: the forward-confirmed rDNS badge and the blocklist table.

use hostwinds::dns::{BlocklistReport, DnsCheck, Listing, Verdict};
use leptos::prelude::*;

pub fn verdict_class(v: Verdict) -> &'static str {
    match v {
        Verdict::Confirmed => "badge good",
        Verdict::PtrDiffers | Verdict::Unknown => "badge warn",
        Verdict::NoForward | Verdict::ResolvesElsewhere => "badge bad",
    }
}

/// The badge of one IP's check; its message is the tooltip and the accessible description.
#[component]
pub fn VerdictBadge(check: DnsCheck) -> impl IntoView {
    view! {
        <span class=verdict_class(check.verdict) title=check.message.clone() data-verdict=format!("{:?}", check.verdict)>
            {check.verdict.label()}
            <span class="visually-hidden">{format!(": {}", check.message)}</span>
        </span>
    }
}

/// The check of a name about to be saved as rDNS: confirmed, or why mail servers will not
/// confirm it. Saving stays possible either way.
#[component]
pub fn VerdictNote(check: DnsCheck) -> impl IntoView {
    let class = if check.verdict.forward_ok() { "field-ok" } else { "field-warning" };
    let unconfirmed = !check.verdict.forward_ok() && check.verdict != Verdict::Unknown;
    view! {
        <p class=class data-testid="dns-verdict" data-verdict=format!("{:?}", check.verdict)>
            <span class=verdict_class(check.verdict)>{check.verdict.label()}</span>" "{check.message.clone()}
            {unconfirmed.then(|| " You can still save it; fix the A/AAAA record so receiving mail servers confirm it.")}
        </p>
    }
}

/// One IP's blocklist report: every zone with its answer and what the codes mean.
#[component]
pub fn BlocklistTable(report: BlocklistReport) -> impl IntoView {
    let when = crate::browser::time::clock(report.checked_at_ms as f64);
    let summary = report.summary();
    let listed = report.listed().count() > 0;
    view! {
        <p class=if listed { "warning" } else { "muted" } data-testid="blocklist-summary">
            {format!("{} \u{2014} {} (checked at {when})", report.ip, summary)}
        </p>
        <table class="data blocklists">
            <caption class="visually-hidden">{format!("Blocklists for {}", report.ip)}</caption>
            <thead><tr><th scope="col">"Blocklist"</th><th scope="col">"Status"</th><th scope="col">"Details"</th></tr></thead>
            <tbody>
                {report.zones.into_iter().map(|z| {
                    let (label, class) = match z.status {
                        Listing::Listed => ("Listed", "badge bad"),
                        Listing::NotListed => ("Not listed", "badge good"),
                        Listing::NoAnswer => ("No answer", "badge warn"),
                    };
                    let details = if z.codes.is_empty() {
                        z.reasons.join("; ")
                    } else {
                        format!("{} ({})", z.reasons.join("; "), z.codes.join(", "))
                    };
                    view! {
                        <tr data-zone=z.zone.clone()>
                            <td class="mono">{z.zone.clone()}</td>
                            <td><span class=class>{label}</span></td>
                            <td>{details}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
