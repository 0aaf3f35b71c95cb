//! Guarded log fetch (design.md section 9): sign, check the URL before any request,
//! GET with X-Sign / X-Operator-Id, never follow redirects, cap the size.

use futures_util::StreamExt;
use testany_core::model::LogSign;

use crate::client::Client;
use crate::error::{Error, Result, TimeoutKind};
use crate::logurl::{LogUrl, is_safe_log_header, validate_log_url};
use crate::secret::Secret;
use crate::transport::{BodyStream, HttpRequest, Method, TransportError, sleep};

/// The line appended to a log cut at the cap.
pub fn truncation_notice(cap: u64) -> String {
    format!("\n[testany: log truncated at {cap} bytes]\n")
}

/// Where a case's log lives under a cache root: `<execution>/<caseIndex>.log`, the
/// execution key made one safe path segment (the CLI and the language server share it,
/// so each finds the other's cached logs).
pub fn cache_relative_path(execution: &str, case_index: usize) -> std::path::PathBuf {
    let safe: String = execution
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let safe = if safe.trim_matches('.').is_empty() {
        "_".to_owned()
    } else {
        safe
    };
    std::path::Path::new(&safe).join(format!("{case_index}.log"))
}

/// Creates `dir` and every missing parent with mode 0700 on unix (the owner only):
/// cached logs, and the names of their directories (execution keys), are nobody
/// else's business. Existing directories are left as they are. One helper for every
/// cache directory the CLI and the language server create.
#[cfg(not(target_arch = "wasm32"))]
pub fn create_private_dir_all(dir: &std::path::Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// A log saved to disk.
#[cfg(not(target_arch = "wasm32"))]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedLog {
    pub path: std::path::PathBuf,
    /// Bytes of log written (the truncation notice not counted).
    pub bytes: u64,
    pub truncated: bool,
}

/// A log read into memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogText {
    pub text: String,
    pub bytes: u64,
    pub truncated: bool,
}

/// A sign reply checked and turned into request parts. Secrets stay [`Secret`]s.
struct SignedRequest {
    url: LogUrl,
    sign: Secret,
    headers: Vec<(String, Secret)>,
}

impl Client {
    /// Validates a sign reply against the configured log domain; nothing is sent yet.
    fn signed_request(&self, reply: &LogSign) -> Result<SignedRequest> {
        let raw_url = reply
            .log_url
            .as_deref()
            .ok_or(Error::SignReply { field: "logUrl" })?;
        let url = validate_log_url(raw_url, &self.config().effective_log_domain())?;
        let sign = Secret::from_service(reply.sign.clone());
        let operator = reply
            .operator_id
            .clone()
            .map(Secret::from_service)
            .or_else(|| self.config().operator_id.clone())
            .filter(|o| !o.is_empty())
            .ok_or(Error::SignReply {
                field: "operatorId (set TESTANY_OPERATOR)",
            })?;
        let mut headers = vec![
            ("x-sign".to_owned(), sign.clone()),
            ("x-operator-id".to_owned(), operator),
        ];
        for (name, value) in &reply.headers {
            let lower = name.to_ascii_lowercase();
            if lower == "x-sign" || lower == "x-operator-id" {
                continue;
            }
            if is_safe_log_header(name) {
                headers.push((lower, Secret::unremembered(value.clone())));
            } else {
                tracing::debug!(header = %name, "dropping a header the sign reply asked for");
            }
        }
        Ok(SignedRequest { url, sign, headers })
    }

    /// Sends the log GET (retrying transient failures); returns the body stream.
    async fn open_log(&self, signed: &SignedRequest) -> Result<BodyStream> {
        let url = signed.url.as_url();
        let limit = self.config().log_timeout;
        let mut retry = 0u32;
        loop {
            let request = HttpRequest {
                method: Method::Get,
                url: url.clone(),
                headers: signed
                    .headers
                    .iter()
                    .map(|(n, v)| (n.clone(), v.expose().to_owned()))
                    .collect(),
                body: Vec::new(),
                timeout: Some(limit),
            };
            let outcome = self.transport().send(request).await;
            let (error, retry_after) = match outcome {
                Ok(response) if (200..300).contains(&response.status) => return Ok(response.body),
                Ok(response) => {
                    let status = response.status;
                    let after = response.header("retry-after").and_then(|v| {
                        crate::protocol::parse_retry_after(v, crate::transport::now())
                    });
                    let error = if status == 429 || status >= 500 {
                        // The proxy's own words help; secrets in them are redacted.
                        let body = crate::protocol::collect_body(response.body, 64 * 1024)
                            .await
                            .unwrap_or_default();
                        let said = crate::protocol::error_body_message(&body);
                        Error::Http {
                            status,
                            message: if said.is_empty() {
                                "from the log proxy".to_owned()
                            } else {
                                format!("from the log proxy: {said}")
                            },
                        }
                    } else {
                        Error::LogHttp { status }
                    };
                    (error, after)
                }
                Err(e) => (self.map_transport_error("the log proxy", e, limit), None),
            };
            let error = self.scrub_error(error, &[&signed.sign]);
            if error.is_transient() && retry + 1 < self.config().retry.max_attempts {
                let wait = self.config().retry.delay(retry, retry_after);
                tracing::debug!(retry, wait_ms = wait.as_millis() as u64, error = %error, "retrying the log fetch");
                sleep(wait).await;
                retry += 1;
                continue;
            }
            return Err(error.after_attempts(retry + 1));
        }
    }

    /// Signs and opens the log; a rejected sign (401/403) is renewed once.
    async fn signed_log_stream(
        &self,
        execution_key: &str,
        case_index: usize,
    ) -> Result<BodyStream> {
        let mut renewed = false;
        loop {
            let reply = self.log_sign(execution_key, case_index).await?;
            let signed = self.signed_request(&reply)?;
            match self.open_log(&signed).await {
                Err(Error::LogHttp { status: 401 | 403 }) if !renewed => {
                    tracing::debug!("the log proxy rejected the sign; signing again");
                    renewed = true;
                }
                other => return other,
            }
        }
    }

    /// Fetches one case's log into memory, capped at `log_cap_bytes`.
    #[cfg_attr(not(target_arch = "wasm32"), tracing::instrument(skip_all))]
    pub async fn fetch_log_text(&self, execution_key: &str, case_index: usize) -> Result<LogText> {
        let body = self.signed_log_stream(execution_key, case_index).await?;
        let cap = self.config().log_cap_bytes;
        let mut body = body;
        let mut data = Vec::new();
        let mut capped = Cap::new(cap);
        while let Some(chunk) = body.next().await {
            let chunk = chunk.map_err(|e| self.read_error(e, capped.written))?;
            data.extend_from_slice(capped.admit(&chunk));
            if capped.truncated {
                break;
            }
        }
        let (bytes, truncated) = (capped.written, capped.truncated);
        let mut text = String::from_utf8_lossy(&data).into_owned();
        if truncated {
            text.push_str(&truncation_notice(cap));
        }
        Ok(LogText {
            text,
            bytes,
            truncated,
        })
    }

    fn read_error(&self, error: TransportError, bytes: u64) -> Error {
        match error {
            TransportError::Timeout => Error::Timeout {
                target: "the log proxy".to_owned(),
                limit_ms: u64::try_from(self.config().log_timeout.as_millis()).unwrap_or(u64::MAX),
                kind: TimeoutKind::Body,
                attempts: 1,
            },
            TransportError::Idle(idle) => Error::Timeout {
                target: "the log proxy".to_owned(),
                limit_ms: u64::try_from(idle.as_millis()).unwrap_or(u64::MAX),
                kind: TimeoutKind::Idle,
                attempts: 1,
            },
            _ => Error::LogInterrupted { bytes },
        }
    }

    /// Fetches one case's log into `path` (mode 0600 on unix, written via `path.part`
    /// then renamed), capped at `log_cap_bytes` with a note in the file when cut.
    #[cfg(not(target_arch = "wasm32"))]
    #[cfg_attr(not(target_arch = "wasm32"), tracing::instrument(skip_all))]
    pub async fn fetch_log_to_file(
        &self,
        execution_key: &str,
        case_index: usize,
        path: &std::path::Path,
    ) -> Result<SavedLog> {
        use tokio::io::AsyncWriteExt;

        let body = self.signed_log_stream(execution_key, case_index).await?;
        let io = |e: std::io::Error| Error::Io {
            path: path.display().to_string(),
            detail: e.to_string(),
        };
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            create_private_dir_all(parent).map_err(io)?;
        }
        let mut part = path.as_os_str().to_owned();
        part.push(".part");
        let part = std::path::PathBuf::from(part);
        let mut options = tokio::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        options.mode(0o600);
        let mut file = options.open(&part).await.map_err(io)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            // An older .part may have had wider permissions: tighten them either way.
            tokio::fs::set_permissions(&part, std::fs::Permissions::from_mode(0o600))
                .await
                .map_err(io)?;
        }
        let cap = self.config().log_cap_bytes;
        let mut body = body;
        let mut capped = Cap::new(cap);
        while let Some(chunk) = body.next().await {
            let kept = match chunk {
                Ok(chunk) => chunk,
                Err(e) => {
                    drop(file);
                    let _ = tokio::fs::remove_file(&part).await;
                    return Err(self.read_error(e, capped.written));
                }
            };
            file.write_all(capped.admit(&kept)).await.map_err(io)?;
            if capped.truncated {
                break;
            }
        }
        let (bytes, truncated) = (capped.written, capped.truncated);
        if truncated {
            file.write_all(truncation_notice(cap).as_bytes())
                .await
                .map_err(io)?;
        }
        file.flush().await.map_err(io)?;
        file.sync_all().await.map_err(io)?;
        drop(file);
        tokio::fs::rename(&part, path).await.map_err(io)?;
        Ok(SavedLog {
            path: path.to_owned(),
            bytes,
            truncated,
        })
    }
}

/// Counts bytes against the cap; decides how much of each chunk to keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Cap {
    cap: u64,
    written: u64,
    truncated: bool,
}

impl Cap {
    fn new(cap: u64) -> Self {
        Self {
            cap,
            written: 0,
            truncated: false,
        }
    }

    /// The part of `chunk` to keep; after a cut, `truncated` is set and reading stops.
    fn admit<'a>(&mut self, chunk: &'a [u8]) -> &'a [u8] {
        let room = self.cap.saturating_sub(self.written);
        let take = usize::try_from(room).unwrap_or(usize::MAX).min(chunk.len());
        if take < chunk.len() {
            self.truncated = true;
        }
        self.written += take as u64;
        chunk.get(..take).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cap_keeps_at_most_cap_bytes_and_reports_truncation() {
        let table: [(&[&str], u64, &str, bool); 5] = [
            (&["abc", "def"], 10, "abcdef", false),
            (&["abc", "def"], 6, "abcdef", false),
            (&["abc", "def"], 4, "abcd", true),
            (&["abcdef"], 0, "", true),
            (&[], 4, "", false),
        ];
        for (chunks, cap, expected, truncated) in table {
            let mut capped = Cap::new(cap);
            let mut out = Vec::new();
            for chunk in chunks {
                out.extend_from_slice(capped.admit(chunk.as_bytes()));
                if capped.truncated {
                    break;
                }
            }
            assert_eq!(
                (
                    String::from_utf8(out).unwrap().as_str(),
                    capped.written,
                    capped.truncated
                ),
                (expected, expected.len() as u64, truncated)
            );
        }
    }

    #[test]
    fn notice_names_the_cap() {
        assert_eq!(
            truncation_notice(64),
            "\n[testany: log truncated at 64 bytes]\n"
        );
    }
}
