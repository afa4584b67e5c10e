//! The one place that talks to the network: every call is a form POST to the proxy endpoint.

use gloo_net::http::Request;
use hostwinds::{decode, Action, FirewallProfile, Instance, IpEntry, LocationId, Outcome, ServiceId, SmtpFilter};
use std::fmt;

/// A call that produced no usable answer: nothing reached the proxy, or what answered is not
/// the proxy. Answers from Hostwinds or the proxy, errors included, are `Outcome`s instead.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub message: String,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ApiError {}

impl From<Outcome> for ApiError {
    fn from(o: Outcome) -> Self {
        ApiError { message: o.message }
    }
}

/// Send one action to the proxy at `endpoint` and decode whatever comes back.
pub async fn call(endpoint: &str, action: &Action) -> Result<Outcome, ApiError> {
    let request = Request::post(endpoint)
        .header("content-type", "application/x-www-form-urlencoded")
        // Marks the call as the console's own; a plain cross-site form cannot set it.
        .header("x-hostwinds-console", "1")
        .body(action.encode_form())
        .map_err(|e| ApiError { message: format!("The request could not be built: {e}") })?;
    let resp = request.send().await.map_err(|e| ApiError {
        message: format!(
            "Could not reach the proxy at {endpoint} ({e}). Check the connection, and the endpoint in Settings."
        ),
    })?;
    let status = resp.status();
    let upstream_status = resp.headers().get("x-upstream-status").and_then(|s| s.parse::<u16>().ok());
    let body = resp.text().await.map_err(|e| ApiError {
        message: format!("The answer from {endpoint} was cut off ({e}). The request may or may not have been applied."),
    })?;
    Ok(interpret(endpoint, status, upstream_status, &body)?)
}

/// Tell the proxy's answers (its own refusals, or Hostwinds' answers it forwarded) from
/// anything else answering at the endpoint, such as a web server that is not the proxy.
pub fn interpret(endpoint: &str, status: u16, upstream_status: Option<u16>, body: &str) -> Result<Outcome, ApiError> {
    if let Some(up) = upstream_status {
        // Forwarded from Hostwinds: decode against the status Hostwinds gave.
        return Ok(decode(up, body));
    }
    if serde_json::from_str::<serde_json::Value>(body.trim()).is_ok() {
        return Ok(decode(status, body));
    }
    Err(ApiError {
        message: format!(
            "The endpoint {endpoint} answered HTTP {status} with something that is not the console's proxy. Check the proxy endpoint in Settings."
        ),
    })
}

/// A read that must succeed: an error outcome becomes an `ApiError` with its message.
async fn read(endpoint: &str, action: Action) -> Result<serde_json::Value, ApiError> {
    let o = call(endpoint, &action).await?;
    if !o.ok {
        return Err(o.into());
    }
    o.data.ok_or_else(|| ApiError { message: "Hostwinds answered without data.".into() })
}

pub async fn list_servers(endpoint: String) -> Result<Vec<Instance>, ApiError> {
    Ok(Instance::list(&read(&endpoint, Action::GetInstances).await?))
}

pub async fn get_server(endpoint: String, serviceid: ServiceId) -> Result<Instance, ApiError> {
    let data = read(&endpoint, Action::GetInstance { serviceid }).await?;
    let mut i = Instance::from_value(&data, None)
        .ok_or_else(|| ApiError { message: "Hostwinds sent a server in a shape the console cannot read.".into() })?;
    i.serviceid.get_or_insert(serviceid);
    Ok(i)
}

pub async fn server_ips(
    endpoint: String,
    serviceid: ServiceId,
    location_id: Option<LocationId>,
) -> Result<Vec<IpEntry>, ApiError> {
    Ok(IpEntry::list(&read(&endpoint, Action::GetInstanceIps { serviceid, location_id }).await?))
}

/// The server's firewall profile, typed, and as Hostwinds sent it (for backups).
pub async fn firewall_profile(
    endpoint: String,
    serviceid: ServiceId,
) -> Result<(FirewallProfile, serde_json::Value), ApiError> {
    let data = read(&endpoint, Action::GetInstanceFirewallProfile { serviceid }).await?;
    let p = FirewallProfile::from_value(&data).ok_or_else(|| ApiError {
        message: "Hostwinds sent a firewall profile in a shape the console cannot read.".into(),
    })?;
    Ok((p, data))
}

pub async fn firewall_profiles(endpoint: String) -> Result<Vec<FirewallProfile>, ApiError> {
    Ok(FirewallProfile::list(&read(&endpoint, Action::GetFirewallProfiles).await?))
}

pub async fn smtp_filters(endpoint: String, serviceid: Option<ServiceId>) -> Result<Vec<SmtpFilter>, ApiError> {
    Ok(SmtpFilter::list(&read(&endpoint, Action::GetSmtpFilters { serviceid }).await?))
}

#[cfg(test)]
mod tests {
    use super::interpret;

    #[test]
    fn forwarded_answers_decode_against_the_upstream_status() {
        let o = interpret("/api", 502, Some(503), "<html><title>Down</title></html>").unwrap();
        assert!(o.message.contains("HTTP 503") && o.message.contains("Down"));
    }

    #[test]
    fn proxy_refusals_decode() {
        let o = interpret("/api", 400, None, r#"[{"result":"error","message":"Unknown action"}]"#).unwrap();
        assert!(!o.ok);
        assert_eq!(o.message, "Unknown action");
    }

    #[test]
    fn something_else_at_the_endpoint_points_to_settings() {
        let e = interpret("/nope", 405, None, "").unwrap_err();
        assert!(e.message.contains("/nope") && e.message.contains("405") && e.message.contains("Settings"));
        assert!(interpret("/x", 200, None, "<!doctype html><title>Console</title>").is_err());
    }
}
