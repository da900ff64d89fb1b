//! Which API the proxy forwards to, read from `GET /bindery/info`, and its badge.

use serde::Deserialize;
use yew::prelude::*;

use super::browser::http::get;

/// What `/bindery/info` says; `None` in [`Upstream`] when the page is not served by the proxy.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct ProxyInfo {
    pub upstream: String,
    #[serde(default)]
    pub upstream_base: String,
}

/// The proxy state as far as the page knows.
#[derive(Clone, Debug, PartialEq)]
pub enum Upstream {
    Checking,
    /// No proxy answered: composing and copying curl still work; sending does not.
    Offline,
    Proxy(ProxyInfo),
}

impl Upstream {
    pub fn can_send(&self) -> bool {
        matches!(self, Upstream::Proxy(_))
    }
}

/// Asks the proxy which upstream it forwards to.
pub async fn fetch_upstream() -> Upstream {
    match get("/bindery/info", None, &[]).await {
        Ok(reply) if reply.status == 200 => match serde_json::from_str::<ProxyInfo>(&reply.body) {
            Ok(info) => Upstream::Proxy(info),
            Err(_) => Upstream::Offline,
        },
        _ => Upstream::Offline,
    }
}

#[derive(Properties, PartialEq)]
pub struct UpstreamBadgeProps {
    pub upstream: Upstream,
}

#[component]
pub fn UpstreamBadge(props: &UpstreamBadgeProps) -> Html {
    let (class, text, title) = match &props.upstream {
        Upstream::Checking => ("checking", "Checking proxy…".to_string(), String::new()),
        Upstream::Offline => (
            "offline",
            "No proxy: compose and copy only".to_string(),
            "Open this page through `bindery serve` to send requests.".to_string(),
        ),
        Upstream::Proxy(info) => match info.upstream.as_str() {
            "cloudflare" => (
                "cloudflare",
                "Sending to: Cloudflare API".to_string(),
                info.upstream_base.clone(),
            ),
            "sandbox" => (
                "sandbox",
                "Sending to: local sandbox".to_string(),
                "The built-in emulation; nothing reaches Cloudflare.".to_string(),
            ),
            other => (
                "custom",
                format!("Sending to: {other} ({})", info.upstream_base),
                info.upstream_base.clone(),
            ),
        },
    };
    html! {
        <span id="upstream" class={classes!("upstream", class)} data-upstream={class} {title}>{ text }</span>
    }
}
