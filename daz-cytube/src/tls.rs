//! The TLS crypto provider: `ring`, installed as the process default the
//! first time a TLS client is built (unless the application installed
//! another one first).

use std::sync::Once;

static INSTALL: Once = Once::new();

/// Makes sure rustls has a process-wide crypto provider (`ring`, unless
/// the application installed another first). The client calls it itself;
/// call it before building a `reqwest` or `rustls` client of your own in
/// a process that uses daz-cytube.
pub fn ensure_provider() {
    INSTALL.call_once(|| {
        // An `Err` means a provider is installed already: that one is used.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}
