//! `workspace/didChangeConfiguration` (section `testany`): new settings override every
//! project's file; a token in them replaces the current one.

use std::sync::Arc;

use testany_client::Secret;
use tower_lsp_server::ls_types::DidChangeConfigurationParams;

use crate::handler::initialize::split_settings;
use crate::state::State;
use crate::workspace;

#[tracing::instrument(skip_all)]
pub async fn handle(state: &Arc<State>, params: DidChangeConfigurationParams) {
    let (settings, token) = split_settings(params.settings);
    {
        let mut inner = state.lock();
        inner.settings[1] = settings;
        if let Some(t) = token {
            inner.token = Some(Secret::new(t));
        }
    }
    workspace::reload_all(state).await;
    workspace::settle(state).await;
}
