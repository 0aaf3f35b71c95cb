//! `shutdown`: stop pollers and the publisher.

use crate::state::State;

pub fn handle(state: &State) {
    let mut inner = state.lock();
    inner.shutdown = true;
    for (_, h) in inner.pollers.drain() {
        h.abort.abort();
    }
    state.publish_wake.notify_one();
}
