//! What every request passes: the `Host` check (a page elsewhere must not reach a server on
//! loopback through a name it controls), the bearer token when one is set, and on the way out
//! the security headers (a Content-Security-Policy without inline script, `nosniff`, no
//! framing, no referrer) and CORS only for the origin asked for.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use super::api::error;

/// The page's scripts, styles and requests come from this server only; nothing inline.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
                       img-src 'self' data:; connect-src 'self'; form-action 'self'; \
                       base-uri 'none'; frame-ancestors 'none'";

/// The cookie that carries the token for the page, once `/?token=` has been visited.
const COOKIE: &str = "kosearch_token";

/// Checks a request, runs it, and adds the headers every response carries.
pub(super) async fn guard(
    State(state): State<Arc<super::State>>,
    request: Request,
    next: Next,
) -> Response {
    let config = &state.config;
    let mut response = 'answer: {
        if !config.any_host && !loopback_host(request.headers()) {
            break 'answer error(
                StatusCode::FORBIDDEN,
                "this server answers requests to localhost, 127.0.0.1 or [::1] only",
            );
        }
        if let Some(token) = &config.token {
            if request.uri().path() == "/"
                && let Some(given) = query_token(request.uri().query())
            {
                if !same(given.as_bytes(), token.as_bytes()) {
                    break 'answer unauthorized();
                }
                // The token leaves the address bar (and the history) for a cookie.
                let cookie = format!("{COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/");
                let mut r = Redirect::to("/").into_response();
                if let Ok(v) = HeaderValue::from_str(&cookie) {
                    r.headers_mut().insert(header::SET_COOKIE, v);
                }
                break 'answer r;
            }
            if !presented(request.headers(), token) {
                break 'answer unauthorized();
            }
        }
        if request.method() == Method::OPTIONS && config.cors.is_some() {
            break 'answer StatusCode::NO_CONTENT.into_response();
        }
        next.run(request).await
    };
    let headers = response.headers_mut();
    for (name, value) in [
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_FRAME_OPTIONS, "DENY"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    headers
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    if let Some(origin) = &config.cors
        && let Ok(v) = HeaderValue::from_str(origin)
    {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, v);
        headers.insert(header::VARY, HeaderValue::from_static("Origin"));
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static("Authorization"),
        );
        headers.insert(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static("Content-Disposition"),
        );
    }
    response
}

fn unauthorized() -> Response {
    let mut r = error(
        StatusCode::UNAUTHORIZED,
        "a token is required: send `Authorization: Bearer <token>`, or open /?token=<token> once",
    );
    r.headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    r
}

/// Whether the request's `Host` is a loopback name (or absent, as from an HTTP/1.0 tool:
/// browsers always send one).
fn loopback_host(headers: &HeaderMap) -> bool {
    let Some(host) = headers.get(header::HOST) else {
        return true;
    };
    let Ok(host) = host.to_str() else {
        return false;
    };
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or_default()
    } else {
        match host.rsplit_once(':') {
            Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
            _ => host,
        }
    };
    let name = name.to_ascii_lowercase();
    name == "localhost"
        || name.ends_with(".localhost")
        || name == "::1"
        || name
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Whether the token came in an `Authorization: Bearer` header or the page's cookie.
fn presented(headers: &HeaderMap, token: &str) -> bool {
    let bearer = headers
        .get_all(header::AUTHORIZATION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.strip_prefix("Bearer "))
        .any(|t| same(t.trim().as_bytes(), token.as_bytes()));
    let cookie = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().strip_prefix(COOKIE)?.strip_prefix('='))
        .any(|t| same(t.as_bytes(), token.as_bytes()));
    bearer || cookie
}

/// The `token` parameter of a query string.
fn query_token(query: Option<&str>) -> Option<String> {
    form_urlencoded::parse(query?.as_bytes())
        .find(|(k, _)| k == "token")
        .map(|(_, v)| v.into_owned())
}

/// Compares two secrets in time that does not depend on where they differ.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_str(value).unwrap());
        h
    }

    #[test]
    fn only_loopback_names_pass() {
        for ok in [
            "localhost:7700",
            "127.0.0.1:7700",
            "[::1]:7700",
            "127.0.0.2",
            "LOCALHOST",
        ] {
            assert!(loopback_host(&host(ok)), "{ok}");
        }
        for bad in [
            "evil.example:7700",
            "192.168.0.2:7700",
            "localhost.evil.example",
            "[::2]",
        ] {
            assert!(!loopback_host(&host(bad)), "{bad}");
        }
        assert!(loopback_host(&HeaderMap::new()));
    }

    #[test]
    fn tokens_by_header_or_cookie() {
        let mut h = HeaderMap::new();
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer s3cret"),
        );
        assert!(presented(&h, "s3cret"));
        assert!(!presented(&h, "s3cre"));
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; kosearch_token=s3cret"),
        );
        assert!(presented(&h, "s3cret"));
        assert!(!presented(&HeaderMap::new(), "s3cret"));
        assert_eq!(query_token(Some("q=1&token=a%20b")).as_deref(), Some("a b"));
    }
}
