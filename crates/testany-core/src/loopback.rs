//! "Is this host loopback?": the one rule behind plain `http://` being allowed (service
//! URL in the configuration, log URLs), `*.localhost` resolving to loopback in the client,
//! and the emulator's Host/Origin checks (issue 16: four copies; the emulator's took
//! `127.evil.com` for loopback, the configuration allowed `http://` to any host).

/// Whether `host` (a URL's host, without port; any case, a trailing dot and IPv6 brackets
/// allowed) is loopback: `localhost`, `*.localhost` (RFC 6761 reserves them), `127.0.0.0/8`
/// or `::1`.
pub fn is_loopback_host(host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    if host == "localhost" || host.ends_with(".localhost") {
        return true;
    }
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(&host);
    bare.parse::<std::net::IpAddr>()
        .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts() {
        let cases = [
            ("localhost", true),
            ("LOCALHOST.", true),
            ("testany.localhost", true),
            ("a.tr.testany.localhost", true),
            ("a.tr.testany.localhost.", true),
            ("127.0.0.1", true),
            ("127.1.2.3", true),
            ("[::1]", true),
            ("::1", true),
            ("localhost.evil.com", false),
            ("evil-localhost", false),
            ("notlocalhost", false),
            // The emulator's old prefix rule took these for loopback.
            ("127.evil.com", false),
            ("127.0.0.1.evil.com", false),
            ("128.0.0.1", false),
            ("::2", false),
            ("[::1", false),
            ("0.0.0.0", false),
            ("10.0.0.1", false),
            ("testany.com.cn", false),
            ("", false),
        ];
        for (host, expected) in cases {
            assert_eq!(is_loopback_host(host), expected, "{host}");
        }
    }
}
