//! How a server whose futures are `!Send` in the browser meets tower-lsp-server's
//! `Send + Sync` bounds.
//!
//! tower-lsp-server requires `LanguageServer: Send + Sync` and `Send` futures from every
//! handler, on every target. Natively everything is `Send` (tokio's work-stealing
//! runtime moves tasks between threads) and these helpers change nothing. On wasm32 the
//! browser's futures (fetch through gloo-net, timers, `spawn_local`) and the state that
//! holds them are `!Send`; but wasm32-unknown-unknown has one thread, so nothing is ever
//! moved to another. There, [`Local`] and [`send`] wrap values and futures in
//! `send_wrapper::SendWrapper`, which is `Send + Sync` and checks on each access that it
//! is still on the thread that made it (the only one). Wrapping at this one boundary
//! keeps the handlers free of `Send` bounds on wasm and fully checked natively.

use std::future::Future;

/// A value shared with tower-lsp-server: itself natively, `SendWrapper`ed on wasm32.
#[cfg(not(target_arch = "wasm32"))]
#[derive(Debug)]
pub struct Local<T>(T);

#[cfg(not(target_arch = "wasm32"))]
impl<T> Local<T> {
    pub fn new(value: T) -> Self {
        Local(value)
    }
}

#[cfg(not(target_arch = "wasm32"))]
impl<T> std::ops::Deref for Local<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// A value shared with tower-lsp-server: itself natively, `SendWrapper`ed on wasm32.
#[cfg(target_arch = "wasm32")]
pub type Local<T> = send_wrapper::SendWrapper<T>;

/// A handler's future as tower-lsp-server needs it: `Send` (checked) natively,
/// `SendWrapper`ed on wasm32 (one thread).
#[cfg(not(target_arch = "wasm32"))]
pub fn send<F: Future + Send>(future: F) -> impl Future<Output = F::Output> + Send {
    future
}

/// A handler's future as tower-lsp-server needs it: `Send` (checked) natively,
/// `SendWrapper`ed on wasm32 (one thread).
#[cfg(target_arch = "wasm32")]
pub fn send<F: Future>(future: F) -> impl Future<Output = F::Output> + Send {
    send_wrapper::SendWrapper::new(future)
}
