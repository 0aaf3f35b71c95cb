//! Work-done progress (`window/workDoneProgress/create`, `$/progress`) for runs.

use tower_lsp_server::ls_types::notification::Progress;
use tower_lsp_server::ls_types::*;

use crate::peer::Peer;

/// A progress the client accepted; `None` when it does not support work-done progress.
pub struct Run {
    client: Peer,
    token: ProgressToken,
}

impl Run {
    /// Creates the token and sends `begin`.
    pub async fn begin(client: &Peer, supported: bool, id: &str, title: String) -> Option<Run> {
        if !supported {
            return None;
        }
        let token = ProgressToken::String(format!("testany/run/{id}"));
        client.create_work_done_progress(token.clone()).await.ok()?;
        let run = Run {
            client: client.clone(),
            token,
        };
        run.send(WorkDoneProgress::Begin(WorkDoneProgressBegin {
            title,
            cancellable: Some(false),
            // The execution key comes from the service: shown as text (issue 17).
            message: Some(crate::convert::display(id)),
            percentage: Some(0),
        }))
        .await;
        Some(run)
    }

    pub async fn report(&self, message: String, percentage: u32) {
        self.send(WorkDoneProgress::Report(WorkDoneProgressReport {
            cancellable: Some(false),
            message: Some(message),
            percentage: Some(percentage.min(100)),
        }))
        .await;
    }

    pub async fn end(self, message: String) {
        self.send(WorkDoneProgress::End(WorkDoneProgressEnd {
            message: Some(message),
        }))
        .await;
    }

    async fn send(&self, value: WorkDoneProgress) {
        self.client
            .send_notification::<Progress>(ProgressParams {
                token: self.token.clone(),
                value: ProgressParamsValue::WorkDone(value),
            })
            .await;
    }
}
