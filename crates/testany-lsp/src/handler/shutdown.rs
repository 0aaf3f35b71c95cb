//! `shutdown`: stop pollers and the publisher.

use crate::state::State;

pub fn handle(state: &State) {
    state.lock().shutdown = true;
    for (_, h) in state.resources().pollers.drain() {
        h.abort.abort();
    }
    state.publish_wake.notify_one();
}
