//! Spans over OTLP/HTTP (feature `otel`): the `event` and `command` spans
//! (module, topic, event id, correlation id, command, user, room) go to an
//! OpenTelemetry collector in batches.

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::WithExportConfig as _;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_subscriber::Layer as _;

use super::{Boxed, OtelSettings};

/// The running export; [`shutdown`](Self::shutdown) sends what is left.
pub(super) struct Exporter(SdkTracerProvider);

impl Exporter {
    #[allow(
        clippy::print_stderr,
        reason = "the log subscriber is what is shutting down: stderr is what is left"
    )]
    pub(super) fn shutdown(self) {
        if let Err(e) = self.0.shutdown() {
            eprintln!("daz-bot: the span export did not finish: {e}");
        }
    }
}

/// The layer sending spans to `settings.endpoint`, and its exporter.
pub(super) fn layer(settings: &OtelSettings) -> Result<(Boxed, Exporter), String> {
    let url = settings.endpoint.trim();
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(format!(
            "[log.otel] endpoint = {url:?}: give the collector's http(s) URL, e.g. http://127.0.0.1:4318/v1/traces"
        ));
    }
    daz_cytube::ensure_tls_provider();
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_endpoint(url)
        .build()
        .map_err(|e| format!("[log.otel]: {e}"))?;
    let provider = SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(
            Resource::builder()
                .with_service_name(settings.service.clone())
                .build(),
        )
        .build();
    let tracer = provider.tracer("daz-bot");
    let layer = tracing_opentelemetry::layer().with_tracer(tracer).boxed();
    Ok((layer, Exporter(provider)))
}
