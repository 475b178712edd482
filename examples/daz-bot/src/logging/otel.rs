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
    // Every span of one daz trace gets the same OpenTelemetry trace id.
    daz_core::spans::set_hook(join_trace);
    let layer = tracing_opentelemetry::layer().with_tracer(tracer).boxed();
    Ok((layer, Exporter(provider)))
}

/// Makes `span` part of the OpenTelemetry trace whose id is daz's `trace`
/// (as if continued from a remote parent), so a chat line, the command it
/// was and everything they set off are one trace in the collector.
fn join_trace(span: &tracing::Span, trace: daz_core::EventId) {
    use opentelemetry::trace::{
        SpanContext, SpanId, TraceContextExt as _, TraceFlags, TraceId, TraceState,
    };
    use tracing_opentelemetry::OpenTelemetrySpanExt as _;
    let id = trace.as_u128();
    // A parent span id made from the trace id: stable, never zero.
    #[allow(clippy::cast_possible_truncation, reason = "the low half of the id")]
    let parent = SpanId::from((id as u64) | 1);
    let remote = SpanContext::new(
        TraceId::from(id),
        parent,
        TraceFlags::SAMPLED,
        true,
        TraceState::default(),
    );
    let cx = opentelemetry::Context::new().with_remote_span_context(remote);
    let _ = span.set_parent(cx);
}
